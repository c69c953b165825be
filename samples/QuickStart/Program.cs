// Smoke program until the extraction engine lands: proves ONNX Runtime loads and runs a model on this machine.
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Runtime;
using SynthIE.Inference.TestModels.Onnx;

Console.WriteLine($"ONNX Runtime {OnnxRuntimeInfo.NativeVersion()}; providers: {string.Join(", ", OnnxRuntimeInfo.AvailableProviders())}");

var graph = new OnnxGraphBuilder("smoke");
graph.AddInput("x", OnnxElementType.Float, "n");
graph.OpInto("Mul", ["x", graph.Constant([2f], 1)], ["y"]);
graph.AddOutput("y", OnnxElementType.Float, "n");

using var session = new InferenceSession(OnnxModelWriter.ToBytes(graph));
float[] values = [1f, 2f, 3f];
using var input = OrtValue.CreateTensorValueFromMemory(values, [values.Length]);
using var runOptions = new RunOptions();
using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);
Console.WriteLine($"2 * [1, 2, 3] = [{string.Join(", ", outputs[0].GetTensorDataAsSpan<float>().ToArray())}]");
