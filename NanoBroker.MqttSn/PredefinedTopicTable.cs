using NanoBroker.Protocol;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// The predefined topic ids (MQTT-SN v1.2 section 6.7), from the setting "1=sensors/a,2=sensors/b": known to the
    /// clients and the gateway beforehand, so a client publishes or subscribes without REGISTER and the gateway sends
    /// them to clients without REGISTER. Parsed once at start.
    /// </summary>
    public sealed class PredefinedTopicTable
    {
        private readonly int[] ids;
        private readonly byte[][] names;

        public PredefinedTopicTable(string setting)
        {
            int count = 0;
            string[] entries = Split(setting);
            ids = new int[entries.Length];
            names = new byte[entries.Length][];
            for (int i = 0; i < entries.Length; i++)
            {
                int eq = entries[i].IndexOf('=');
                ids[count] = int.Parse(entries[i].Substring(0, eq).Trim());
                names[count] = Utf8.GetBytes(entries[i].Substring(eq + 1).Trim());
                count++;
            }
        }

        public int Count { get { return ids.Length; } }

        /// <summary>The name of predefined id <paramref name="id"/>, or null.</summary>
        public byte[] Name(int id)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                if (ids[i] == id)
                {
                    return names[i];
                }
            }
            return null;
        }

        /// <summary>The predefined id of the topic name at <paramref name="start"/>, or -1.</summary>
        public int Find(byte[] buffer, int start, int length)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                if (SameBytes(names[i], buffer, start, length))
                {
                    return ids[i];
                }
            }
            return -1;
        }

        internal static bool SameBytes(byte[] a, byte[] b, int start, int length)
        {
            if (a.Length != length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (a[i] != b[start + i])
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Why <paramref name="setting"/> is not a list of id=topic (ids 1..65534, each once, valid topic names), or null.</summary>
        public static string Check(string setting)
        {
            string[] entries = Split(setting);
            for (int i = 0; i < entries.Length; i++)
            {
                int eq = entries[i].IndexOf('=');
                if (eq <= 0)
                {
                    return "not id=topic: " + entries[i];
                }
                string idText = entries[i].Substring(0, eq).Trim();
                int id = 0;
                for (int k = 0; k < idText.Length; k++)
                {
                    if (idText[k] < '0' || idText[k] > '9' || id > 65535)
                    {
                        return "not an id: " + idText;
                    }
                    id = id * 10 + (idText[k] - '0');
                }
                if (idText.Length == 0 || id < 1 || id > 65534)
                {
                    return "an id is 1..65534: " + idText;
                }
                byte[] name = Utf8.GetBytes(entries[i].Substring(eq + 1).Trim());
                if (name.Length == 0 || !TopicSyntax.IsValidName(name, 0, name.Length))
                {
                    return "not a topic name: " + entries[i].Substring(eq + 1);
                }
                for (int j = 0; j < i; j++)
                {
                    if (entries[j].Substring(0, entries[j].IndexOf('=')).Trim() == idText)
                    {
                        return "id " + idText + " twice";
                    }
                }
            }
            return null;
        }

        /// <summary>The comma-separated entries of a setting, empty ones left out.</summary>
        internal static string[] Split(string setting)
        {
            if (setting == null)
            {
                return new string[0];
            }
            string[] parts = setting.Split(',');
            int n = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Trim().Length > 0)
                {
                    n++;
                }
            }
            string[] entries = new string[n];
            n = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Trim().Length > 0)
                {
                    entries[n++] = parts[i].Trim();
                }
            }
            return entries;
        }
    }
}
