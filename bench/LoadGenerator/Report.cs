using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LoadGenerator
{
    /// <summary>Turns the per-broker JSON results into the Markdown table and a hand-written SVG bar chart.</summary>
    public static class Report
    {
        private static readonly string[] Colors = { "#2b7bb9", "#e08a1e", "#6a9a3a", "#9a3a8a" };

        public static int Write(string[] args)
        {
            string md = null, svg = null, machine = null;
            List<BrokerResults> brokers = new List<BrokerResults>();
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i] == "--md") md = args[++i];
                else if (args[i] == "--svg") svg = args[++i];
                else if (args[i] == "--machine") machine = args[++i];
                else brokers.Add(JsonSerializer.Deserialize<BrokerResults>(File.ReadAllText(args[i])));
            }
            if (brokers.Count == 0) throw new ArgumentException("report needs at least one results file");
            string table = Table(brokers);
            Console.WriteLine(table);
            if (md != null)
            {
                StringBuilder s = new StringBuilder();
                s.AppendLine("# NanoBroker benchmark results");
                s.AppendLine();
                if (machine != null) s.AppendLine(File.ReadAllText(machine).TrimEnd()).AppendLine();
                s.AppendLine(table);
                string first = brokers[0].Broker == "nanobroker" ? "NanoBroker" : brokers[0].Broker;
                s.AppendLine("Ratios are " + first + "'s value divided by the other broker's: above 1 is better for " + first + " where higher is better,");
                s.AppendLine("below 1 is better for " + first + " for latencies. INVALID: the broker lost, duplicated or reordered messages");
                s.AppendLine("(or refused the test's connections), so it gets no number." + (svg == null ? "" : " Chart: [" + Path.GetFileName(svg) + "](" + Path.GetFileName(svg) + ")."));
                s.AppendLine();
                s.AppendLine("Notes per broker:");
                s.AppendLine();
                foreach (BrokerResults b in brokers)
                {
                    foreach (Row r in b.Rows)
                    {
                        if (!r.Valid || r.Id == "conn-held" || (r.Note != null && r.Note.Contains(';')))
                        {
                            s.AppendLine("- " + b.Broker + ", " + r.Id + ": " + (r.Valid || Cell(r) != "INVALID" ? "" : "INVALID: ") + r.Note);
                        }
                    }
                }
                File.WriteAllText(md, s.ToString());
            }
            if (svg != null) File.WriteAllText(svg, Chart(brokers));
            return 0;
        }

        public static string Format(double v)
        {
            if (v >= 100) return Math.Round(v).ToString("#,0", CultureInfo.InvariantCulture);
            return v.ToString("0.##", CultureInfo.InvariantCulture);
        }

        /// <summary>How a row's note starts when the scenario could not run against that broker (a 5.0 feature it does not offer).</summary>
        public const string NotRun = "not run:";

        private static Row Find(BrokerResults b, string id)
        {
            foreach (Row r in b.Rows) if (r.Id == id) return r;
            return null;
        }

        private static string Cell(Row r)
        {
            if (r == null) return "—";
            if (r.Valid) return Format(r.Value);
            return r.Note != null && r.Note.StartsWith(NotRun, StringComparison.Ordinal) ? "not run" : "INVALID";
        }

        private static string Table(List<BrokerResults> brokers)
        {
            StringBuilder s = new StringBuilder();
            s.Append("| scenario | unit |");
            foreach (BrokerResults b in brokers) s.Append(' ').Append(b.Broker).Append(" |");
            for (int i = 1; i < brokers.Count; i++) s.Append(' ').Append(brokers[0].Broker).Append(" / ").Append(brokers[i].Broker).Append(" |");
            s.AppendLine();
            s.Append("|---|---|");
            for (int i = 0; i < brokers.Count * 2 - 1; i++) s.Append("---:|");
            s.AppendLine();
            foreach (Row first in brokers[0].Rows)
            {
                string label = first.Label + (first.HigherIsBetter ? "" : " (lower is better)");
                if (first.Id == "q0-64" || first.Id == "q1-64") label = "**" + label + "**";
                s.Append("| ").Append(label).Append(" | ").Append(first.Unit).Append(" |");
                foreach (BrokerResults b in brokers) s.Append(' ').Append(Cell(Find(b, first.Id))).Append(" |");
                for (int i = 1; i < brokers.Count; i++)
                {
                    Row other = Find(brokers[i], first.Id);
                    string ratio = "—";
                    if (first.Valid && other != null && other.Valid && other.Value > 0)
                    {
                        ratio = (first.Value / other.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×";
                    }
                    s.Append(' ').Append(ratio).Append(" |");
                }
                s.AppendLine();
            }
            return s.ToString();
        }

        private static string Chart(List<BrokerResults> brokers)
        {
            const int width = 960, labelWidth = 330, barMax = 480, bar = 13, headerHeight = 70;
            int groupHeight = 22 + bar * brokers.Count + 10;
            List<Row> rows = brokers[0].Rows;
            int height = headerHeight + rows.Count * groupHeight + 20;
            StringBuilder s = new StringBuilder();
            s.AppendLine("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height + "\" font-family=\"sans-serif\" font-size=\"12\">");
            s.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
            s.AppendLine("<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">NanoBroker benchmarks (bar length relative to the best in each scenario)</text>");
            int lx = 10;
            for (int b = 0; b < brokers.Count; b++)
            {
                s.AppendLine("<rect x=\"" + lx + "\" y=\"36\" width=\"12\" height=\"12\" fill=\"" + Colors[b % Colors.Length] + "\"/>");
                s.AppendLine("<text x=\"" + (lx + 16) + "\" y=\"46\">" + Escape(brokers[b].Broker) + "</text>");
                lx += 30 + 8 * brokers[b].Broker.Length;
            }
            s.AppendLine("<text x=\"" + (lx + 10) + "\" y=\"46\" fill=\"#666\">INVALID = lost, duplicated or reordered messages</text>");
            int y = headerHeight;
            foreach (Row first in rows)
            {
                string label = first.Label + (first.HigherIsBetter ? " (higher is better)" : " (lower is better)");
                s.AppendLine("<text x=\"10\" y=\"" + (y + 14) + "\" font-weight=\"bold\">" + Escape(label) + "</text>");
                double max = 0;
                foreach (BrokerResults b in brokers)
                {
                    Row r = Find(b, first.Id);
                    if (r != null && r.Valid) max = Math.Max(max, r.Value);
                }
                int by = y + 20;
                for (int b = 0; b < brokers.Count; b++)
                {
                    Row r = Find(brokers[b], first.Id);
                    s.AppendLine("<text x=\"" + (labelWidth - 6) + "\" y=\"" + (by + bar - 2) + "\" text-anchor=\"end\" fill=\"#333\">" + Escape(brokers[b].Broker) + "</text>");
                    if (r != null && r.Valid && max > 0)
                    {
                        int w = Math.Max(1, (int)(barMax * r.Value / max));
                        s.AppendLine("<rect x=\"" + labelWidth + "\" y=\"" + by + "\" width=\"" + w + "\" height=\"" + (bar - 2) + "\" fill=\"" + Colors[b % Colors.Length] + "\"/>");
                        s.AppendLine("<text x=\"" + (labelWidth + w + 5) + "\" y=\"" + (by + bar - 2) + "\">" + Escape(Format(r.Value) + " " + r.Unit) + "</text>");
                    }
                    else
                    {
                        s.AppendLine("<text x=\"" + (labelWidth + 5) + "\" y=\"" + (by + bar - 2) + "\" fill=\"#c00\">" + (r == null ? "not run" : Cell(r)) + "</text>");
                    }
                    by += bar;
                }
                y += groupHeight;
            }
            s.AppendLine("</svg>");
            return s.ToString();
        }

        private static string Escape(string t)
        {
            return WebUtility.HtmlEncode(t);
        }
    }
}
