using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A child process (mosquitto_pub, mosquitto_sub, python) whose standard output is read line by line,
    /// with a timeout on everything that waits. Dispose kills it if it is still running, so a failing test
    /// never leaves a peer behind.
    /// </summary>
    public sealed class ChildProcess : IDisposable
    {
        private readonly Process process;
        private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder stdout = new StringBuilder();
        private readonly StringBuilder stderr = new StringBuilder();
        private readonly TaskCompletionSource outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        private ChildProcess(string fileName, IEnumerable<string> arguments)
        {
            ProcessStartInfo info = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }
            Description = fileName + " " + string.Join(" ", info.ArgumentList);
            process = new Process { StartInfo = info };
            process.OutputDataReceived += (sender, e) =>
            {
                if (e.Data == null)
                {
                    lines.Writer.TryComplete();
                    outputClosed.TrySetResult();
                    return;
                }
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
                lines.Writer.TryWrite(e.Data);
            };
            process.ErrorDataReceived += (sender, e) =>
            {
                if (e.Data == null)
                {
                    errorClosed.TrySetResult();
                    return;
                }
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            };
        }

        /// <summary>The command line, for failure messages.</summary>
        public string Description { get; }

        public int Id { get { return process.Id; } }

        public bool HasExited { get { return process.HasExited; } }

        /// <summary>Everything written to standard output so far.</summary>
        public string Output
        {
            get { lock (stdout) { return stdout.ToString(); } }
        }

        /// <summary>Everything written to standard error so far.</summary>
        public string Error
        {
            get { lock (stderr) { return stderr.ToString(); } }
        }

        public static ChildProcess Start(string fileName, params string[] arguments)
        {
            ChildProcess child = new ChildProcess(fileName, arguments);
            child.process.Start();
            // Peers that read standard input (mosquitto_pub -l) see its end at once; others ignore it.
            child.process.StandardInput.Close();
            child.process.BeginOutputReadLine();
            child.process.BeginErrorReadLine();
            return child;
        }

        /// <summary>Runs a command to its end; kills it and fails the test when it takes longer than <paramref name="timeout"/>.</summary>
        public static async Task<ChildProcess> RunAsync(TimeSpan timeout, string fileName, params string[] arguments)
        {
            ChildProcess child = Start(fileName, arguments);
            try
            {
                await child.WaitForExitAsync(timeout);
                return child;
            }
            catch
            {
                child.Dispose();
                throw;
            }
        }

        /// <summary>The next line of standard output that <paramref name="match"/> accepts; fails the test after <paramref name="timeout"/>.</summary>
        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
        {
            using CancellationTokenSource cancel = new CancellationTokenSource(timeout);
            try
            {
                while (await lines.Reader.WaitToReadAsync(cancel.Token))
                {
                    while (lines.Reader.TryRead(out string line))
                    {
                        if (match(line))
                        {
                            return line;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("no " + what + " from '" + Description + "' within " + timeout.TotalMilliseconds + " ms" + Transcript());
            }
            Assert.Fail("'" + Description + "' closed its output without " + what + Transcript());
            return null;
        }

        /// <summary>Waits for the exit and returns the exit code; kills the process and fails the test after <paramref name="timeout"/>.</summary>
        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using CancellationTokenSource cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                Assert.Fail("'" + Description + "' did not exit within " + timeout.TotalMilliseconds + " ms" + Transcript());
            }
            // The exit can be seen before the last output lines; both pipes close soon after it.
            await Task.WhenAny(Task.WhenAll(outputClosed.Task, errorClosed.Task), Task.Delay(2000));
            return process.ExitCode;
        }

        public int ExitCode { get { return process.ExitCode; } }

        /// <summary>SIGKILL: the process ends at once, without a word to its peers (no MQTT DISCONNECT).</summary>
        public void Kill()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(true);
                }
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        /// <summary>The command, its exit code and its output, for assertion messages.</summary>
        public string Transcript()
        {
            string code = process.HasExited ? process.ExitCode.ToString() : "still running";
            return "\n--- " + Description + " (exit: " + code + ")\n--- stdout:\n" + Output + "--- stderr:\n" + Error;
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
        }
    }
}
