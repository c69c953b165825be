using System.Runtime.InteropServices;
using System.Text;
using SynthIE.Inference.Cli;

// Ctrl+C (or SIGTERM) once: stop after the current batch, keep every finished line, exit 130. Twice: quit at once.
Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var stop = new CancellationTokenSource();
int interrupts = 0;
Console.CancelKeyPress += (_, e) =>
{
    if (Interlocked.Increment(ref interrupts) == 1)
    {
        e.Cancel = true;
        Console.Error.WriteLine("synthie: stopping after the current batch (Ctrl+C again quits at once) ...");
        stop.Cancel();
    }
};
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    if (Interlocked.Increment(ref interrupts) == 1)
    {
        signal.Cancel = true;
        stop.Cancel();
    }
});
// Results go to file descriptor 1 directly when it is a pipe or terminal: .NET's console stream ignores a closed pipe
// (EPIPE), which would make `synthie extract ... | head -1` run to the end and exit 0; this stream reports it, and the
// tool exits 141.
TextWriter stdout = OperatingSystem.IsWindows() ? Console.Out : OpenStandardOutput();
int code = SynthieCli.Run(args, Console.In, stdout, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected, stop.Token, stdoutIsTerminal: !Console.IsOutputRedirected);
try
{
    stdout.Flush();
}
catch (IOException)
{
    code = code == 0 ? 141 : code; // the reader closed standard output before the last line
}

return code;

static TextWriter OpenStandardOutput()
{
    try
    {
        var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        if (stream.CanSeek)
        {
            // A regular file (`> out`, `> log 2>&1`, `>> out`): a seekable FileStream writes at a position of its own, not
            // at the descriptor's offset, which stderr and the shell share, so it would overwrite their lines and they
            // its. The console stream writes at that offset; a closed pipe cannot happen on a file.
            stream.Dispose();
            return new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        }

        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
    }
    catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
    {
        return Console.Out; // no usable descriptor 1 (closed): the console's writer copes
    }
}
