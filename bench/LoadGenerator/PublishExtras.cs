using System.Text;

namespace LoadGenerator
{
    /// <summary>What a 5.0 scenario's PUBLISH packets carry besides topic and payload.</summary>
    public enum PublishExtras
    {
        /// <summary>An empty property block (and 3.1.1's PUBLISH, which has none).</summary>
        None,

        /// <summary><see cref="ForwardedProperties.Block"/> on every PUBLISH: the broker forwards it to every subscriber.</summary>
        Properties,

        /// <summary>
        /// A Topic Alias: the first PUBLISH of a topic sets it, the next ones send an empty topic and the alias
        /// (only as many topics as the broker's CONNACK Topic Alias Maximum allows; subscribers get the whole topic).
        /// </summary>
        Alias,
    }

    /// <summary>
    /// The properties of the Properties scenarios (a Message Expiry Interval, a Content Type and one User Property
    /// pair), and the check of what a subscriber receives: the broker forwards the content type and the user
    /// property unchanged [MQTT-3.3.2-18] [MQTT-3.3.2-20] and the expiry less the time the message waited
    /// [MQTT-3.3.2-6]; it forwards no Topic Alias of the publisher's, and adds nothing a subscriber did not ask for.
    /// </summary>
    public static class ForwardedProperties
    {
        public const int ExpirySeconds = 3600;
        public static readonly byte[] ContentType = Encoding.UTF8.GetBytes("application/octet-stream");
        public static readonly byte[] UserName = Encoding.UTF8.GetBytes("bench");
        public static readonly byte[] UserValue = Encoding.UTF8.GetBytes("mqtt5");

        /// <summary>The encoded property block (without its length), in the order the publisher sends it.</summary>
        public static readonly byte[] Block = Build();

        public static readonly byte[] Empty = new byte[0];

        private static byte[] Build()
        {
            byte[] b = new byte[5 + 3 + ContentType.Length + 5 + UserName.Length + UserValue.Length];
            int p = 0;
            b[p++] = Wire5.MessageExpiryInterval;
            p += Wire5.WriteUInt32(b, p, ExpirySeconds);
            b[p++] = Wire5.ContentType;
            p += Wire.WriteString(b, p, ContentType);
            b[p++] = Wire5.UserProperty;
            p += Wire.WriteString(b, p, UserName);
            Wire.WriteString(b, p, UserValue);
            return b;
        }

        /// <summary>
        /// Null when the property block at b[at..end) is what a subscriber of a scenario with these
        /// <paramref name="extras"/> must receive; else what is wrong (allocated only then).
        /// </summary>
        public static string Check(PublishExtras extras, byte[] b, int at, int end)
        {
            if (extras != PublishExtras.Properties)
            {
                return at == end ? null : "unexpected properties (" + (end - at) + " B, first id 0x" + b[at].ToString("x2") + ")";
            }
            bool expiry = false, contentType = false, user = false;
            while (at < end)
            {
                int id = b[at++];
                int size = Wire5.PropertySize(id, b, at, end);
                if (size < 0 || at + size > end) return "malformed property 0x" + id.ToString("x2");
                switch (id)
                {
                    case Wire5.MessageExpiryInterval:
                        int left = b[at] << 24 | b[at + 1] << 16 | b[at + 2] << 8 | b[at + 3];
                        if (expiry || left < 1 || left > ExpirySeconds) return "Message Expiry Interval " + left + (expiry ? " twice" : ", sent " + ExpirySeconds);
                        expiry = true;
                        break;
                    case Wire5.ContentType:
                        if (contentType || !Same(b, at, ContentType)) return "Content Type changed or repeated";
                        contentType = true;
                        break;
                    case Wire5.UserProperty:
                        if (user || !Same(b, at, UserName) || !Same(b, at + 2 + UserName.Length, UserValue)) return "User Property changed or repeated";
                        user = true;
                        break;
                    default:
                        return "unexpected property 0x" + id.ToString("x2");
                }
                at += size;
            }
            if (!expiry || !contentType || !user)
            {
                return "missing" + (expiry ? "" : " Message Expiry Interval") + (contentType ? "" : " Content Type") + (user ? "" : " User Property");
            }
            return null;
        }

        // The length-prefixed string at b[at] equals s.
        private static bool Same(byte[] b, int at, byte[] s)
        {
            if ((b[at] << 8 | b[at + 1]) != s.Length) return false;
            for (int i = 0; i < s.Length; i++)
            {
                if (b[at + 2 + i] != s[i]) return false;
            }
            return true;
        }
    }
}
