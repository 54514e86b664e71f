using System;
using NanoBroker.Storage;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// Files in memory, with power cuts: bytes appended but not flushed are lost in a cut (or kept
    /// in part, as a torn write), and the backend can be made to fail at its n-th operation. It can
    /// also fill up (<see cref="Capacity"/>: an append beyond keeps what fits and throws, as a full file
    /// system does) or fail every write (<see cref="FailWrites"/>), and remembers the most bytes its files held.
    /// </summary>
    public sealed class RamStorage : IStorageBackend
    {
        private const int MaxFiles = 4;

        private readonly string[] names = new string[MaxFiles];
        private readonly byte[][] contents = new byte[MaxFiles][];
        private readonly int[] lengths = new int[MaxFiles];
        private readonly int[] durable = new int[MaxFiles];

        public RamStorage()
        {
            // Explicitly: nanoCLR does not hand out a new string[] filled with nulls.
            for (int i = 0; i < MaxFiles; i++)
            {
                names[i] = null;
            }
        }

        /// <summary>Operations left before a simulated power cut (every call counts); -1: never.</summary>
        public int OperationsBeforeCut = -1;

        public int Operations { get; private set; }

        /// <summary>Bytes all files may hold together; an append beyond writes what fits and throws <see cref="StorageFullException"/>. -1: no limit.</summary>
        public long Capacity = -1;

        /// <summary>Every write (append, flush, truncate, delete, rename) throws <see cref="StorageFailedException"/>.</summary>
        public bool FailWrites;

        /// <summary>Bytes the files hold now.</summary>
        public long Used
        {
            get
            {
                long used = 0;
                for (int i = 0; i < MaxFiles; i++)
                {
                    if (names[i] != null)
                    {
                        used += lengths[i];
                    }
                }
                return used;
            }
        }

        /// <summary>The most bytes the files held at once.</summary>
        public long PeakUsed { get; private set; }

        /// <summary>Writes that threw (full or failing).</summary>
        public int Failures { get; private set; }

        public long Length(string file)
        {
            Step();
            int i = Find(file);
            return i < 0 ? -1 : lengths[i];
        }

        public int Read(string file, long position, byte[] buffer, int offset, int count)
        {
            Step();
            int i = Find(file);
            if (i < 0 || position >= lengths[i])
            {
                return 0;
            }
            int n = lengths[i] - (int)position;
            if (n > count)
            {
                n = count;
            }
            Array.Copy(contents[i], (int)position, buffer, offset, n);
            return n;
        }

        public void Append(string file, byte[] buffer, int offset, int count)
        {
            Step();
            Write();
            int fits = count;
            if (Capacity >= 0 && Used + count > Capacity)
            {
                fits = (int)(Capacity - Used);
                if (fits < 0)
                {
                    fits = 0;
                }
            }
            int i = Find(file);
            if (i < 0)
            {
                i = Create(file);
            }
            if (lengths[i] + count > contents[i].Length)
            {
                byte[] bigger = new byte[(lengths[i] + count) * 2];
                Array.Copy(contents[i], bigger, lengths[i]);
                contents[i] = bigger;
            }
            Array.Copy(buffer, offset, contents[i], lengths[i], fits);
            lengths[i] += fits;
            if (Used > PeakUsed)
            {
                PeakUsed = Used;
            }
            if (fits < count)
            {
                Failures++;
                throw new StorageFullException();
            }
        }

        public void Flush(string file)
        {
            Step();
            Write();
            int i = Find(file);
            if (i >= 0)
            {
                durable[i] = lengths[i];
            }
        }

        public void Truncate(string file, long length)
        {
            Step();
            Write();
            int i = Find(file);
            lengths[i] = (int)length;
            durable[i] = (int)length;
        }

        public void Delete(string file)
        {
            Step();
            Write();
            int i = Find(file);
            if (i >= 0)
            {
                names[i] = null;
            }
        }

        public void Rename(string from, string to)
        {
            Step();
            Write();
            int target = Find(to);
            if (target >= 0)
            {
                names[target] = null;
            }
            names[Find(from)] = to;
        }

        /// <summary>The storage as it is after a power cut now: each file keeps its flushed bytes plus <paramref name="tornBytes"/> of the rest.</summary>
        public RamStorage AfterPowerCut(int tornBytes)
        {
            RamStorage after = new RamStorage();
            for (int i = 0; i < MaxFiles; i++)
            {
                if (names[i] == null)
                {
                    continue;
                }
                int keep = durable[i] + tornBytes;
                if (keep > lengths[i])
                {
                    keep = lengths[i];
                }
                after.Put(names[i], contents[i], keep);
            }
            return after;
        }

        /// <summary>A copy of a file's bytes, or null.</summary>
        public byte[] Get(string file)
        {
            int i = Find(file);
            if (i < 0)
            {
                return null;
            }
            byte[] copy = new byte[lengths[i]];
            Array.Copy(contents[i], copy, lengths[i]);
            return copy;
        }

        /// <summary>Sets a file's bytes (all durable).</summary>
        public void Put(string file, byte[] bytes, int count)
        {
            int i = Find(file);
            if (i < 0)
            {
                i = Create(file);
            }
            contents[i] = new byte[count + 16];
            Array.Copy(bytes, contents[i], count);
            lengths[i] = count;
            durable[i] = count;
        }

        private void Step()
        {
            Operations++;
            if (OperationsBeforeCut == 0)
            {
                throw new PowerCutException();
            }
            if (OperationsBeforeCut > 0)
            {
                OperationsBeforeCut--;
            }
        }

        private void Write()
        {
            if (FailWrites)
            {
                Failures++;
                throw new StorageFailedException();
            }
        }

        private int Find(string file)
        {
            for (int i = 0; i < MaxFiles; i++)
            {
                if (names[i] == file)
                {
                    return i;
                }
            }
            return -1;
        }

        private int Create(string file)
        {
            for (int i = 0; i < MaxFiles; i++)
            {
                if (names[i] == null)
                {
                    names[i] = file;
                    contents[i] = new byte[256];
                    lengths[i] = 0;
                    durable[i] = 0;
                    return i;
                }
            }
            throw new InvalidOperationException("too many files");
        }
    }

    /// <summary>Thrown by <see cref="RamStorage"/> at the operation chosen for a power cut.</summary>
    public sealed class PowerCutException : Exception
    {
    }

    /// <summary>Thrown by <see cref="RamStorage"/> when an append does not fit its <see cref="RamStorage.Capacity"/> (as ENOSPC).</summary>
    public sealed class StorageFullException : Exception
    {
        public StorageFullException() : base("no space left on device")
        {
        }
    }

    /// <summary>Thrown by <see cref="RamStorage"/> for every write while <see cref="RamStorage.FailWrites"/>.</summary>
    public sealed class StorageFailedException : Exception
    {
        public StorageFailedException() : base("I/O error")
        {
        }
    }
}
