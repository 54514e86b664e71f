namespace LoadGenerator
{
    /// <summary>
    /// The filters of the many-subscriptions workloads (the subs-N scenarios and the engine benchmarks), mixed
    /// as users hold them: a third literal (site/c17/dev42/state), a third with '+' in the middle
    /// (site/c17/+/alarm42), a third with '#' at the end (site/c17/log42/#).
    /// </summary>
    public static class MixedFilters
    {
        /// <summary>Filter <paramref name="k"/>, on branch k mod <paramref name="branches"/> of <paramref name="site"/>.</summary>
        public static string Filter(string site, int branches, int k)
        {
            string branch = site + "/c" + (k % branches) + "/";
            int j = k / branches;
            switch (k % 3)
            {
                case 0: return branch + "dev" + j + "/state";
                case 1: return branch + "+/alarm" + j;
                default: return branch + "log" + j + "/#";
            }
        }

        /// <summary>A topic that filter <paramref name="k"/> matches and no other filter of the set does.</summary>
        public static string Topic(string site, int branches, int k)
        {
            string branch = site + "/c" + (k % branches) + "/";
            int j = k / branches;
            switch (k % 3)
            {
                case 0: return branch + "dev" + j + "/state";
                case 1: return branch + "dev" + j + "/alarm" + j;
                default: return branch + "log" + j + "/state";
            }
        }
    }
}
