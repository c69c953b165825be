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
return SynthieCli.Run(args, Console.Out, Console.Error, stop.Token);
