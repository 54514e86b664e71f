namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// Topic filters and names with whether they match, one "filter name 1|0" a line (a table in one string literal
    /// keeps the byte code small on nanoFramework), for the topic tree's tests and the end-to-end routing tests.
    /// </summary>
    public static class MatchCases
    {
        /// <summary>eclipse/mosquitto test/broker/03-pattern-matching.py: every pattern_test(filter, topic) pair, in its order (one comes twice there), all matches.</summary>
        public const string Mosquitto =
            "# test/topic 1\n" +
            "# /test/topic 1\n" +
            "foo/# foo/bar/baz 1\n" +
            "foo/+/baz foo/bar/baz 1\n" +
            "foo/+/baz/# foo/bar/baz 1\n" +
            "foo/+/baz/# foo/bar/baz/bar 1\n" +
            "foo/foo/baz/# foo/foo/baz/bar 1\n" +
            "foo/# foo 1\n" +
            "foo/# foo/ 1\n" +
            "/# /foo 1\n" +
            "test/topic/ test/topic/ 1\n" +
            "test/topic/+ test/topic/ 1\n" +
            "+/+/+/+/+/+/+/+/+/+/test one/two/three/four/five/six/seven/eight/nine/ten/test 1\n" +
            "# test////a//topic 1\n" +
            "# /test////a//topic 1\n" +
            "foo/# foo//bar///baz 1\n" +
            "foo/+/baz foo//baz 1\n" +
            "foo/+/baz// foo//baz// 1\n" +
            "foo/+/baz/# foo//baz 1\n" +
            "foo/+/baz/# foo//baz/bar 1\n" +
            "foo//baz/# foo//baz/bar 1\n" +
            "foo/foo/baz/# foo/foo/baz/bar 1\n" +
            "/# ////foo///bar 1\n";

        /// <summary>
        /// MQTT 3.1.1 section 4.7 and its edges. '$' names other than $SYS stand in for $SYS, as clients may publish
        /// them (the broker drops a client's $SYS PUBLISH) [MQTT-4.7.2-1].
        /// </summary>
        public const string Specification =
            "+/+ / 1\n" +
            "/+ / 1\n" +
            "+ / 0\n" +
            "# / 1\n" +
            "sport/tennis/player1/# sport/tennis/player1 1\n" +
            "sport/tennis/player1/# sport/tennis/player1/score/wimbledon 1\n" +
            "sport/tennis/player1/# sport/tennis/player2 0\n" +
            "sport/# sport 1\n" +
            "sport/# sports 0\n" +
            "sport/tennis/+ sport/tennis/player1 1\n" +
            "sport/tennis/+ sport/tennis/player1/ranking 0\n" +
            "sport/+ sport 0\n" +
            "sport/+ sport/ 1\n" +
            "+/+ /finance 1\n" +
            "/+ /finance 1\n" +
            "+ /finance 0\n" +
            "/# finance 0\n" +
            "a/b a/bc 0\n" +
            "a/b a/b/c 0\n" +
            "a/ a 0\n" +
            "a a/ 0\n" +
            "/a a 0\n" +
            "a//b a/b 0\n" +
            "a/+/b a//b 1\n" +
            "ACCOUNTS Accounts 0\n" +
            "# $x/a 0\n" +
            "+/a $x/a 0\n" +
            "+ $x 0\n" +
            "+/# $x 0\n" +
            "$x/# $x 1\n" +
            "$x/# $x/a 1\n" +
            "$x/+ $x/a 1\n" +
            "a/# a/$x 1\n" +
            "a/+ a/$x 1\n" +
            "/# /$x 1\n" +
            "+/+ /$x 1\n" +
            "foo/foo/baz/# foo/bar/baz 0\n" +
            "foo/+/# foo/bar 1\n" +
            "foo/+/# foo/bar/ 1\n" +
            "foo/bar/+ foo/bar/ 1\n" +
            "foo/bar/# foo/bar/ 1\n" +
            "foo//# foo// 1\n" +
            "a/+/c a/b/d 0\n" +
            "a/b/c a/b 0\n" +
            "$x/+/# $x/a 1\n" +
            "$x $x 1\n" +
            "a/$x a/$x 1\n";

        /// <summary>The rows of a table: { filter, name, "1" or "0" }.</summary>
        public static string[][] Rows(string table)
        {
            string[] lines = Split(table, '\n');
            string[][] rows = new string[lines.Length - 1][];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = Split(lines[i], ' ');
            }
            return rows;
        }

        /// <summary>True when the row says its filter matches its name.</summary>
        public static bool Matches(string[] row)
        {
            return row[2] == "1";
        }

        /// <summary>The parts of <paramref name="s"/> between separators, empty ones included: a topic's levels with '/'.</summary>
        public static string[] Split(string s, char separator)
        {
            int n = 1;
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == separator)
                {
                    n++;
                }
            }
            string[] parts = new string[n];
            int k = 0;
            int start = 0;
            for (int i = 0; i <= s.Length; i++)
            {
                if (i == s.Length || s[i] == separator)
                {
                    parts[k++] = s.Substring(start, i - start);
                    start = i + 1;
                }
            }
            return parts;
        }
    }
}
