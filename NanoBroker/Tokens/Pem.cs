namespace NanoBroker.Tokens
{
    /// <summary>
    /// The DER inside a PEM text (RFC 7468): the base64 between "-----BEGIN label-----" and the next "-----END ".
    /// Start-up code: a key file is read once.
    /// </summary>
    internal static class Pem
    {
        /// <summary>
        /// Decodes the body of the first block labelled <paramref name="label"/> (as "PUBLIC KEY") into
        /// <paramref name="der"/> (as long as the text at least); its length, or -1 when there is no such block.
        /// </summary>
        internal static int Body(byte[] pem, string label, byte[] der)
        {
            string header = "-----BEGIN " + label + "-----";
            int begin = Find(pem, 0, header);
            if (begin < 0)
            {
                return -1;
            }
            int end = Find(pem, begin + header.Length, "-----END ");
            if (end < 0)
            {
                return -1;
            }
            // The base64 letters without line breaks or spaces, gathered before decoding.
            byte[] letters = new byte[end - begin];
            int count = 0;
            for (int i = begin + header.Length; i < end; i++)
            {
                byte c = pem[i];
                if (c != '\r' && c != '\n' && c != ' ' && c != '\t')
                {
                    letters[count++] = c;
                }
            }
            return NanoBroker.Security.Base64.Decode(letters, 0, count, der, 0, der.Length);
        }

        /// <summary>True when the bytes at <paramref name="start"/> are <paramref name="expected"/> (an OID's content, say).</summary>
        internal static bool Same(byte[] bytes, int start, byte[] expected)
        {
            if (start + expected.Length > bytes.Length)
            {
                return false;
            }
            for (int i = 0; i < expected.Length; i++)
            {
                if (bytes[start + i] != expected[i])
                {
                    return false;
                }
            }
            return true;
        }

        private static int Find(byte[] text, int from, string marker)
        {
            for (int i = from; i + marker.Length <= text.Length; i++)
            {
                int k = 0;
                while (k < marker.Length && text[i + k] == marker[k])
                {
                    k++;
                }
                if (k == marker.Length)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
