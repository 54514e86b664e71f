namespace NanoBroker.Protocol
{
    /// <summary>UTF-8 as MQTT uses it: validation of encoded strings, and text for log lines only.</summary>
    public static class Utf8
    {
        /// <summary>
        /// True when the bytes are well-formed UTF-8 [MQTT-1.5.3-1] (no overlong forms, no UTF-16
        /// surrogates, nothing above U+10FFFF) and contain no U+0000 [MQTT-1.5.3-2].
        /// </summary>
        public static bool IsValid(byte[] bytes, int offset, int count)
        {
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                int b = bytes[i];
                if (b < 0x80)
                {
                    if (b == 0)
                    {
                        return false;
                    }
                    i++;
                    continue;
                }
                int extra;
                int min;
                int cp;
                if ((b & 0xE0) == 0xC0) { extra = 1; min = 0x80; cp = b & 0x1F; }
                else if ((b & 0xF0) == 0xE0) { extra = 2; min = 0x800; cp = b & 0x0F; }
                else if ((b & 0xF8) == 0xF0) { extra = 3; min = 0x10000; cp = b & 0x07; }
                else { return false; }
                if (i + extra >= end)
                {
                    return false;
                }
                for (int k = 1; k <= extra; k++)
                {
                    int c = bytes[i + k];
                    if ((c & 0xC0) != 0x80)
                    {
                        return false;
                    }
                    cp = (cp << 6) | (c & 0x3F);
                }
                if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                {
                    return false;
                }
                i += extra + 1;
            }
            return true;
        }

        /// <summary>Encodes a string as UTF-8 (used at start-up and for tests, never per message).</summary>
        public static byte[] GetBytes(string text)
        {
            // Through a char array: nanoFramework's string indexer does not return the low half of a surrogate pair.
            char[] chars = text.ToCharArray();
            int size = 0;
            for (int i = 0; i < chars.Length; i++)
            {
                int cp = CodePointAt(chars, ref i);
                size += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            }
            byte[] bytes = new byte[size];
            int at = 0;
            for (int i = 0; i < chars.Length; i++)
            {
                int cp = CodePointAt(chars, ref i);
                if (cp < 0x80) { bytes[at++] = (byte)cp; }
                else if (cp < 0x800) { bytes[at++] = (byte)(0xC0 | (cp >> 6)); bytes[at++] = (byte)(0x80 | (cp & 0x3F)); }
                else if (cp < 0x10000) { bytes[at++] = (byte)(0xE0 | (cp >> 12)); bytes[at++] = (byte)(0x80 | ((cp >> 6) & 0x3F)); bytes[at++] = (byte)(0x80 | (cp & 0x3F)); }
                else { bytes[at++] = (byte)(0xF0 | (cp >> 18)); bytes[at++] = (byte)(0x80 | ((cp >> 12) & 0x3F)); bytes[at++] = (byte)(0x80 | ((cp >> 6) & 0x3F)); bytes[at++] = (byte)(0x80 | (cp & 0x3F)); }
            }
            return bytes;
        }

        /// <summary>Decodes UTF-8 for log lines; invalid sequences become '?'.</summary>
        public static string GetString(byte[] bytes, int offset, int count)
        {
            char[] chars = new char[count * 2];
            int n = 0;
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                int b = bytes[i];
                int extra = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
                if (extra < 0 || i + extra >= end)
                {
                    chars[n++] = '?';
                    i++;
                    continue;
                }
                int cp = extra == 0 ? b : b & (0x3F >> extra);
                for (int k = 1; k <= extra; k++)
                {
                    cp = (cp << 6) | (bytes[i + k] & 0x3F);
                }
                i += extra + 1;
                if (cp >= 0x10000)
                {
                    cp -= 0x10000;
                    chars[n++] = (char)(0xD800 | (cp >> 10));
                    chars[n++] = (char)(0xDC00 | (cp & 0x3FF));
                }
                else
                {
                    chars[n++] = (char)cp;
                }
            }
            return new string(chars, 0, n);
        }

        private static int CodePointAt(char[] text, ref int i)
        {
            int c = text[i];
            if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.Length)
            {
                int low = text[i + 1];
                if (low >= 0xDC00 && low <= 0xDFFF)
                {
                    i++;
                    return 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                }
            }
            return c;
        }
    }
}
