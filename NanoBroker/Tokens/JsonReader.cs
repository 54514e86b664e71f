namespace NanoBroker.Tokens
{
    /// <summary>
    /// A pull reader of JSON (RFC 8259) over bytes, bounded in depth, for the JOSE header and claims of a token.
    /// Strings are unescaped in place (an escape is never shorter than what it stands for), so reading one gives a
    /// span of the same buffer and allocates nothing. Numbers are read as integers: a fraction is dropped (a
    /// NumericDate may have one, RFC 7519 section 2), an exponent is refused.
    /// </summary>
    public sealed class JsonReader
    {
        /// <summary>The deepest nesting of objects and arrays read or skipped.</summary>
        public const int MaxDepth = 8;

        /// <summary><see cref="NextMember"/> and <see cref="NextElement"/>: one more follows.</summary>
        public const int More = 1;

        /// <summary><see cref="NextMember"/> and <see cref="NextElement"/>: the object or array ended.</summary>
        public const int End = 0;

        /// <summary><see cref="NextMember"/> and <see cref="NextElement"/>: not JSON.</summary>
        public const int Malformed = -1;

        private readonly bool[] started = new bool[MaxDepth];
        private byte[] text;
        private int at;
        private int end;
        private int depth;

        /// <summary>The member name <see cref="NextMember"/> read, unescaped in the buffer.</summary>
        public int KeyStart;

        /// <summary>The length of the member name <see cref="NextMember"/> read.</summary>
        public int KeyLength;

        /// <summary>Starts reading [<paramref name="start"/>, <paramref name="stop"/>) of <paramref name="bytes"/>.</summary>
        public void Reset(byte[] bytes, int start, int stop)
        {
            text = bytes;
            at = start;
            end = stop;
            depth = 0;
        }

        /// <summary>True when only whitespace is left.</summary>
        public bool AtEnd()
        {
            SkipSpace();
            return at == end;
        }

        /// <summary>The first character of the next value ('{', '[', '"', a digit, '-', 't', 'f', 'n'), or 0 at the end.</summary>
        public int Peek()
        {
            SkipSpace();
            return at < end ? text[at] : 0;
        }

        /// <summary>Enters an object; false when the next value is not one or is nested too deep.</summary>
        public bool BeginObject()
        {
            return Open((byte)'{');
        }

        /// <summary>Enters an array; false when the next value is not one or is nested too deep.</summary>
        public bool BeginArray()
        {
            return Open((byte)'[');
        }

        /// <summary>In an object: reads the next member's name (<see cref="KeyStart"/>, <see cref="KeyLength"/>) and its colon.</summary>
        public int NextMember()
        {
            int next = Next((byte)'}');
            if (next != More)
            {
                return next;
            }
            int start, length;
            if (Peek() != '"' || !ReadString(out start, out length) || Peek() != ':')
            {
                return Malformed;
            }
            at++;
            KeyStart = start;
            KeyLength = length;
            return More;
        }

        /// <summary>In an array: <see cref="More"/> when an element follows.</summary>
        public int NextElement()
        {
            return Next((byte)']');
        }

        /// <summary>True when the last member name is <paramref name="name"/> (ASCII).</summary>
        public bool KeyIs(string name)
        {
            return Equal(text, KeyStart, KeyLength, name);
        }

        /// <summary>True when the <paramref name="length"/> bytes at <paramref name="start"/> are the ASCII <paramref name="name"/>.</summary>
        public static bool Equal(byte[] bytes, int start, int length, string name)
        {
            if (length != name.Length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (bytes[start + i] != name[i])
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Reads a string value, unescaping it in place; false when the next value is not a valid string.</summary>
        public bool ReadString(out int start, out int length)
        {
            start = 0;
            length = 0;
            if (Peek() != '"')
            {
                return false;
            }
            at++;
            int write = at;
            start = write;
            while (at < end)
            {
                byte c = text[at++];
                if (c == '"')
                {
                    length = write - start;
                    return true;
                }
                if (c < 0x20)
                {
                    return false;
                }
                if (c != '\\')
                {
                    text[write++] = c;
                    continue;
                }
                if (at >= end)
                {
                    return false;
                }
                c = text[at++];
                if (c == 'u')
                {
                    int code = Hex4();
                    if (code >= 0xD800 && code <= 0xDBFF)
                    {
                        // A surrogate pair: the low half follows as its own escape.
                        if (at + 2 > end || text[at] != '\\' || text[at + 1] != 'u')
                        {
                            return false;
                        }
                        at += 2;
                        int low = Hex4();
                        if (low < 0xDC00 || low > 0xDFFF)
                        {
                            return false;
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    }
                    else if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF))
                    {
                        return false;
                    }
                    write = PutUtf8(code, write);
                    continue;
                }
                byte plain = c == '"' || c == '\\' || c == '/' ? c
                    : c == 'b' ? (byte)8 : c == 'f' ? (byte)12 : c == 'n' ? (byte)10 : c == 'r' ? (byte)13 : c == 't' ? (byte)9 : (byte)0;
                if (plain == 0)
                {
                    return false;
                }
                text[write++] = plain;
            }
            return false;
        }

        /// <summary>Reads a number's integer part (a fraction is dropped); false for no number, an exponent or more than 18 digits.</summary>
        public bool ReadNumber(out long value)
        {
            value = 0;
            if (Peek() == 0)
            {
                return false;
            }
            bool negative = text[at] == '-';
            if (negative)
            {
                at++;
            }
            int digits = 0;
            while (at < end && text[at] >= '0' && text[at] <= '9')
            {
                if (++digits > 18)
                {
                    return false;
                }
                value = value * 10 + (text[at++] - '0');
            }
            if (digits == 0)
            {
                return false;
            }
            if (at < end && text[at] == '.')
            {
                at++;
                int fraction = 0;
                while (at < end && text[at] >= '0' && text[at] <= '9')
                {
                    at++;
                    fraction++;
                }
                if (fraction == 0)
                {
                    return false;
                }
            }
            if (at < end && (text[at] == 'e' || text[at] == 'E'))
            {
                return false;
            }
            if (negative)
            {
                value = -value;
            }
            return true;
        }

        /// <summary>Moves past the next value, whatever it is; false when it is not JSON or nests too deep.</summary>
        public bool SkipValue()
        {
            int c = Peek();
            int start, length;
            long number;
            if (c == '"')
            {
                return ReadString(out start, out length);
            }
            if (c == '{')
            {
                if (!BeginObject())
                {
                    return false;
                }
                int next;
                while ((next = NextMember()) == More)
                {
                    if (!SkipValue())
                    {
                        return false;
                    }
                }
                return next == End;
            }
            if (c == '[')
            {
                if (!BeginArray())
                {
                    return false;
                }
                int next;
                while ((next = NextElement()) == More)
                {
                    if (!SkipValue())
                    {
                        return false;
                    }
                }
                return next == End;
            }
            if (c == 't')
            {
                return Word("true");
            }
            if (c == 'f')
            {
                return Word("false");
            }
            if (c == 'n')
            {
                return Word("null");
            }
            return ReadNumber(out number);
        }

        private bool Open(byte bracket)
        {
            if (Peek() != bracket || depth == MaxDepth)
            {
                return false;
            }
            at++;
            started[depth++] = false;
            return true;
        }

        // The comma before every item but the first, or the closing bracket.
        private int Next(byte closing)
        {
            if (depth == 0)
            {
                return Malformed;
            }
            int c = Peek();
            if (c == closing)
            {
                at++;
                depth--;
                return End;
            }
            if (started[depth - 1])
            {
                if (c != ',')
                {
                    return Malformed;
                }
                at++;
                if (Peek() == closing)
                {
                    return Malformed;
                }
            }
            started[depth - 1] = true;
            return at < end ? More : Malformed;
        }

        private bool Word(string word)
        {
            if (end - at < word.Length || !Equal(text, at, word.Length, word))
            {
                return false;
            }
            at += word.Length;
            return true;
        }

        private int Hex4()
        {
            if (end - at < 4)
            {
                return -1;
            }
            int value = 0;
            for (int i = 0; i < 4; i++)
            {
                int c = text[at++];
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (digit < 0)
                {
                    return -1;
                }
                value = (value << 4) | digit;
            }
            return value;
        }

        private int PutUtf8(int code, int write)
        {
            if (code < 0x80)
            {
                text[write++] = (byte)code;
            }
            else if (code < 0x800)
            {
                text[write++] = (byte)(0xC0 | (code >> 6));
                text[write++] = (byte)(0x80 | (code & 0x3F));
            }
            else if (code < 0x10000)
            {
                text[write++] = (byte)(0xE0 | (code >> 12));
                text[write++] = (byte)(0x80 | ((code >> 6) & 0x3F));
                text[write++] = (byte)(0x80 | (code & 0x3F));
            }
            else
            {
                text[write++] = (byte)(0xF0 | (code >> 18));
                text[write++] = (byte)(0x80 | ((code >> 12) & 0x3F));
                text[write++] = (byte)(0x80 | ((code >> 6) & 0x3F));
                text[write++] = (byte)(0x80 | (code & 0x3F));
            }
            return write;
        }

        private void SkipSpace()
        {
            while (at < end && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
            {
                at++;
            }
        }
    }
}
