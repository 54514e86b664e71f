namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// Topic names and filters drawn by a fixed-seed xorshift32 (the same sequence on .NET and nanoFramework; the
    /// state is a one-element array, as test classes keep no instance fields) from a few levels, so that matches,
    /// overlaps and edge cases are frequent: "a", "b", the empty level, "+", "#" last, "$x" and "$SYS" first.
    /// </summary>
    public static class TopicDraw
    {
        private static readonly string[] NameLevels = new string[] { "a", "b", "" };
        private static readonly string[] FilterLevels = new string[] { "a", "b", "", "+" };

        /// <summary>A number from 0 to <paramref name="bound"/> less one.</summary>
        public static int Next(uint[] state, int bound)
        {
            uint x = state[0];
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            state[0] = x;
            return (int)(x % (uint)bound);
        }

        /// <summary>1 to 5 levels of "a", "b" and "", sometimes "$x" (or, when <paramref name="sys"/>, "$SYS") first; never "".</summary>
        public static string Name(uint[] r, bool sys)
        {
            while (true)
            {
                int n = 1 + Next(r, 5);
                string t = "";
                for (int i = 0; i < n; i++)
                {
                    string level = NameLevels[Next(r, NameLevels.Length)];
                    if (i == 0 && Next(r, 6) == 0)
                    {
                        level = sys && Next(r, 3) == 0 ? "$SYS" : "$x";
                    }
                    t = i == 0 ? level : t + "/" + level;
                }
                if (t.Length > 0)
                {
                    return t;
                }
            }
        }

        /// <summary>1 to 5 levels of "a", "b", "", "+", sometimes "$x" or "$SYS" first, sometimes "#" last [MQTT-4.7.1-2]; never "".</summary>
        public static string Filter(uint[] r)
        {
            while (true)
            {
                int n = 1 + Next(r, 5);
                string f = "";
                for (int i = 0; i < n; i++)
                {
                    string level = FilterLevels[Next(r, FilterLevels.Length)];
                    if (i == n - 1 && Next(r, 4) == 0)
                    {
                        level = "#";
                    }
                    else if (i == 0 && Next(r, 6) == 0)
                    {
                        level = Next(r, 2) == 0 ? "$SYS" : "$x";
                    }
                    f = i == 0 ? level : f + "/" + level;
                }
                if (f.Length > 0)
                {
                    return f;
                }
            }
        }
    }
}
