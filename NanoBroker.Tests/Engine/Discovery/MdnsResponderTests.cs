#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using NanoBroker.Discovery;

namespace NanoBroker.Tests.Engine.Discovery
{
    /// <summary>
    /// The DNS-SD over mDNS responder (RFC 6762, RFC 6763): real query bytes in, responses decoded by a small
    /// decoder of its own; non-matching, response and malformed packets (truncated at every offset, pointer
    /// loops, forward pointers, oversized labels and names) give nothing and never throw.
    /// </summary>
    [TestClass]
    public class MdnsResponderTests
    {
        private const string Instance = "nanobroker-a1b2c3";
        private const int TypeA = 1;
        private const int TypePtr = 12;
        private const int TypeTxt = 16;
        private const int TypeAaaa = 28;
        private const int TypeSrv = 33;
        private const int TypeAny = 255;

        private static readonly byte[] Ip = { 192, 168, 1, 42 };

        // What `dns-sd -B _mqtt._tcp` (mDNSResponder) sends first: one PTR question with the QU bit
        // (class 0x8001), and an EDNS0 OPT record carrying the Owner option in the additional section.
        private static readonly byte[] DnsSdBrowse =
        {
            0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x05, 0x5f, 0x6d, 0x71, 0x74, 0x74, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
            0x00, 0x0c, 0x80, 0x01,
            0x00, 0x00, 0x29, 0x05, 0xa0, 0x00, 0x00, 0x11, 0x94, 0x00, 0x12,
            0x00, 0x04, 0x00, 0x0e, 0x00, 0x6a, 0x3c, 0x22, 0x15, 0x8e, 0x4b, 0x10,
            0x3c, 0x22, 0x15, 0x8e, 0x4b, 0x10,
        };

        // End of DnsSdBrowse's question section.
        private const int DnsSdBrowseQuestionEnd = 34;

        private static MdnsResponder NewResponder()
        {
            return new MdnsResponder(Instance, 1883, Ip);
        }

        // ---- building queries ----------------------------------------------------------------------------

        private static byte[] Query(int flags, string[] names, int[] types, int[] classes)
        {
            byte[] b = new byte[512];
            int pos = 12;
            b[2] = (byte)(flags >> 8);
            b[3] = (byte)flags;
            b[4] = (byte)(names.Length >> 8);
            b[5] = (byte)names.Length;
            for (int i = 0; i < names.Length; i++)
            {
                pos = PutName(b, pos, names[i]);
                b[pos++] = (byte)(types[i] >> 8);
                b[pos++] = (byte)types[i];
                b[pos++] = (byte)(classes[i] >> 8);
                b[pos++] = (byte)classes[i];
            }
            return Slice(b, pos);
        }

        private static byte[] Question(string name, int type)
        {
            return Query(0, new string[] { name }, new int[] { type }, new int[] { 1 });
        }

        private static int PutName(byte[] b, int pos, string name)
        {
            int start = 0;
            for (int i = 0; i <= name.Length; i++)
            {
                if (i == name.Length || name[i] == '.')
                {
                    int len = i - start;
                    b[pos++] = (byte)len;
                    for (int k = 0; k < len; k++)
                    {
                        b[pos++] = (byte)name[start + k];
                    }
                    start = i + 1;
                }
            }
            b[pos++] = 0;
            return pos;
        }

        private static byte[] Slice(byte[] b, int count)
        {
            byte[] r = new byte[count];
            Array.Copy(b, 0, r, 0, count);
            return r;
        }

        private static byte[] Bytes(params int[] values)
        {
            byte[] r = new byte[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                r[i] = (byte)values[i];
            }
            return r;
        }

        private static int Answer(MdnsResponder responder, byte[] query, out Decoded decoded)
        {
            byte[] response = new byte[MdnsResponder.MaxResponseBytes];
            int n = responder.Answer(query, query.Length, response);
            decoded = n > 0 ? Decode(response, n) : null;
            return n;
        }

        private static int AnswerCount(byte[] query)
        {
            byte[] response = new byte[MdnsResponder.MaxResponseBytes];
            return NewResponder().Answer(query, query.Length, response);
        }

        // ---- a tiny decoder ------------------------------------------------------------------------------

        private sealed class Rr
        {
            public string Name;
            public int Type;
            public int Class;
            public long Ttl;
            public byte[] Data;
            public string Target; // PTR: the name; SRV: the target
            public int Priority;
            public int Weight;
            public int Port;
        }

        private sealed class Decoded
        {
            public int Id;
            public int Flags;
            public int Questions;
            public int Authority;
            public Rr[] Answers;
            public Rr[] Additional;
        }

        private static int U16(byte[] b, int pos)
        {
            return (b[pos] << 8) | b[pos + 1];
        }

        // Reads a name (following compression pointers, at most 16 hops) and returns it; next is the offset after it.
        private static string ReadName(byte[] b, int count, int pos, out int next)
        {
            string name = "";
            next = -1;
            int hops = 0;
            while (true)
            {
                Assert.IsTrue(pos < count, "name runs past the end");
                int len = b[pos];
                if (len == 0)
                {
                    if (next < 0)
                    {
                        next = pos + 1;
                    }
                    return name;
                }
                if ((len & 0xC0) == 0xC0)
                {
                    Assert.IsTrue(++hops <= 16, "too many pointers");
                    int target = ((len & 0x3F) << 8) | b[pos + 1];
                    Assert.IsTrue(target < pos, "pointer must go backwards");
                    if (next < 0)
                    {
                        next = pos + 2;
                    }
                    pos = target;
                    continue;
                }
                Assert.IsTrue(len <= 63, "label too long");
                Assert.IsTrue(pos + 1 + len <= count, "label runs past the end");
                string label = "";
                for (int i = 0; i < len; i++)
                {
                    label += (char)b[pos + 1 + i];
                }
                name = name.Length == 0 ? label : name + "." + label;
                pos += 1 + len;
            }
        }

        private static Decoded Decode(byte[] b, int count)
        {
            Assert.IsTrue(count >= 12);
            Decoded d = new Decoded();
            d.Id = U16(b, 0);
            d.Flags = U16(b, 2);
            d.Questions = U16(b, 4);
            d.Answers = new Rr[U16(b, 6)];
            d.Authority = U16(b, 8);
            d.Additional = new Rr[U16(b, 10)];
            Assert.AreEqual(0, d.Questions);
            Assert.AreEqual(0, d.Authority);
            int pos = 12;
            for (int i = 0; i < d.Answers.Length; i++)
            {
                d.Answers[i] = ReadRecord(b, count, ref pos);
            }
            for (int i = 0; i < d.Additional.Length; i++)
            {
                d.Additional[i] = ReadRecord(b, count, ref pos);
            }
            Assert.AreEqual(count, pos, "the records fill the packet exactly");
            return d;
        }

        private static Rr ReadRecord(byte[] b, int count, ref int pos)
        {
            Rr r = new Rr();
            int next;
            r.Name = ReadName(b, count, pos, out next);
            pos = next;
            Assert.IsTrue(pos + 10 <= count);
            r.Type = U16(b, pos);
            r.Class = U16(b, pos + 2);
            r.Ttl = ((long)b[pos + 4] << 24) | ((long)b[pos + 5] << 16) | ((long)b[pos + 6] << 8) | b[pos + 7];
            int length = U16(b, pos + 8);
            pos += 10;
            Assert.IsTrue(pos + length <= count);
            r.Data = new byte[length];
            Array.Copy(b, pos, r.Data, 0, length);
            if (r.Type == TypePtr)
            {
                r.Target = ReadName(b, count, pos, out next);
                Assert.AreEqual(pos + length, next, "PTR data length");
            }
            else if (r.Type == TypeSrv)
            {
                r.Priority = U16(b, pos);
                r.Weight = U16(b, pos + 2);
                r.Port = U16(b, pos + 4);
                r.Target = ReadName(b, count, pos + 6, out next);
                Assert.AreEqual(pos + length, next, "SRV data length");
            }
            pos += length;
            return r;
        }

        private static Rr Find(Rr[] records, int type)
        {
            for (int i = 0; i < records.Length; i++)
            {
                if (records[i].Type == type)
                {
                    return records[i];
                }
            }
            return null;
        }

        private static void CheckPtr(Rr r)
        {
            Assert.IsNotNull(r);
            Assert.AreEqual("_mqtt._tcp.local", r.Name);
            Assert.AreEqual(1, r.Class, "PTR is shared: no cache-flush bit");
            Assert.AreEqual(4500L, r.Ttl);
            Assert.AreEqual(Instance + "._mqtt._tcp.local", r.Target);
        }

        private static void CheckSrv(Rr r)
        {
            Assert.IsNotNull(r);
            Assert.AreEqual(Instance + "._mqtt._tcp.local", r.Name);
            Assert.AreEqual(0x8001, r.Class, "cache-flush bit and class IN");
            Assert.AreEqual(120L, r.Ttl);
            Assert.AreEqual(0, r.Priority);
            Assert.AreEqual(0, r.Weight);
            Assert.AreEqual(1883, r.Port);
            Assert.AreEqual(Instance + ".local", r.Target);
        }

        private static void CheckTxt(Rr r)
        {
            Assert.IsNotNull(r);
            Assert.AreEqual(Instance + "._mqtt._tcp.local", r.Name);
            Assert.AreEqual(0x8001, r.Class);
            Assert.AreEqual(4500L, r.Ttl);
            Assert.AreEqual(1, r.Data.Length);
            Assert.AreEqual(0, (int)r.Data[0], "one empty string");
        }

        private static void CheckA(Rr r, byte[] ip)
        {
            Assert.IsNotNull(r);
            Assert.AreEqual(Instance + ".local", r.Name);
            Assert.AreEqual(0x8001, r.Class);
            Assert.AreEqual(120L, r.Ttl);
            Assert.AreEqual(4, r.Data.Length);
            for (int i = 0; i < 4; i++)
            {
                Assert.AreEqual((int)ip[i], (int)r.Data[i]);
            }
        }

        private static void CheckHeader(Decoded d, int answers, int additional)
        {
            Assert.AreEqual(0, d.Id, "id 0 (RFC 6762 section 18.1)");
            Assert.AreEqual(0x8400, d.Flags, "QR=1 AA=1");
            Assert.AreEqual(answers, d.Answers.Length);
            Assert.AreEqual(additional, d.Additional.Length);
        }

        // ---- answers -------------------------------------------------------------------------------------

        [TestMethod]
        public void DnsSdBrowseQuery_GetsPtrWithSrvTxtAInAdditional()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), DnsSdBrowse, out d) > 0);
            CheckHeader(d, 1, 3);
            CheckPtr(d.Answers[0]);
            CheckSrv(Find(d.Additional, TypeSrv));
            CheckTxt(Find(d.Additional, TypeTxt));
            CheckA(Find(d.Additional, TypeA), Ip);
        }

        [TestMethod]
        public void AvahiBrowseQuery_PlainPtr_GetsTheSameAnswer()
        {
            // avahi-browse _mqtt._tcp: one PTR question, class IN without the QU bit, nothing else.
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question("_mqtt._tcp.local", TypePtr), out d) > 0);
            CheckHeader(d, 1, 3);
            CheckPtr(d.Answers[0]);
            CheckSrv(Find(d.Additional, TypeSrv));
        }

        [TestMethod]
        public void NamesAreComparedCaseInsensitively()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question("_MQTT._Tcp.LOCAL", TypePtr), out d) > 0);
            CheckPtr(d.Answers[0]);
            Assert.IsTrue(Answer(NewResponder(), Question("NanoBroker-A1B2C3.Local", TypeA), out d) > 0);
            CheckA(d.Answers[0], Ip);
        }

        [TestMethod]
        public void AnyQuestionForTheService_GetsPtr()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question("_mqtt._tcp.local", TypeAny), out d) > 0);
            CheckHeader(d, 1, 3);
            CheckPtr(d.Answers[0]);
        }

        [TestMethod]
        public void SrvQuestion_GetsSrvWithA()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question(Instance + "._mqtt._tcp.local", TypeSrv), out d) > 0);
            CheckHeader(d, 1, 1);
            CheckSrv(d.Answers[0]);
            CheckA(d.Additional[0], Ip);
        }

        [TestMethod]
        public void TxtQuestion_GetsTxt()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question(Instance + "._mqtt._tcp.local", TypeTxt), out d) > 0);
            CheckHeader(d, 1, 0);
            CheckTxt(d.Answers[0]);
        }

        [TestMethod]
        public void AnyQuestionForTheInstance_GetsSrvAndTxtWithA()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question(Instance + "._mqtt._tcp.local", TypeAny), out d) > 0);
            CheckHeader(d, 2, 1);
            CheckSrv(Find(d.Answers, TypeSrv));
            CheckTxt(Find(d.Answers, TypeTxt));
            CheckA(d.Additional[0], Ip);
        }

        [TestMethod]
        public void AQuestionForTheHost_GetsA()
        {
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Question(Instance + ".local", TypeA), out d) > 0);
            CheckHeader(d, 1, 0);
            CheckA(d.Answers[0], Ip);
            Assert.IsTrue(Answer(NewResponder(), Question(Instance + ".local", TypeAny), out d) > 0);
            CheckA(d.Answers[0], Ip);
        }

        [TestMethod]
        public void SetAddress_ChangesTheARecord()
        {
            MdnsResponder responder = NewResponder();
            byte[] other = { 10, 0, 0, 7 };
            responder.SetAddress(other);
            Decoded d;
            Assert.IsTrue(Answer(responder, Question(Instance + ".local", TypeA), out d) > 0);
            CheckA(d.Answers[0], other);
        }

        [TestMethod]
        public void CompressedQuestions_AreFollowedBackwards()
        {
            // Q1: A nanobroker-a1b2c3.local; Q2: PTR _mqtt._tcp + pointer to "local" of Q1.
            byte[] b = new byte[128];
            b[5] = 2;
            int pos = PutName(b, 12, Instance + ".local");
            int local = 12 + 1 + Instance.Length;
            b[pos++] = 0; b[pos++] = TypeA; b[pos++] = 0; b[pos++] = 1;
            b[pos++] = 5; b[pos++] = (byte)'_'; b[pos++] = (byte)'m'; b[pos++] = (byte)'q'; b[pos++] = (byte)'t'; b[pos++] = (byte)'t';
            b[pos++] = 4; b[pos++] = (byte)'_'; b[pos++] = (byte)'t'; b[pos++] = (byte)'c'; b[pos++] = (byte)'p';
            b[pos++] = 0xC0; b[pos++] = (byte)local;
            b[pos++] = 0; b[pos++] = TypePtr; b[pos++] = 0x80; b[pos++] = 1;
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), Slice(b, pos), out d) > 0);
            CheckHeader(d, 2, 2);
            CheckPtr(Find(d.Answers, TypePtr));
            CheckA(Find(d.Answers, TypeA), Ip);
            CheckSrv(Find(d.Additional, TypeSrv));
            CheckTxt(Find(d.Additional, TypeTxt));
        }

        [TestMethod]
        public void MatchingQuestionAfterOthers_IsAnswered()
        {
            byte[] q = Query(0,
                new string[] { "_http._tcp.local", "printer.local", "_mqtt._tcp.local" },
                new int[] { TypePtr, TypeA, TypePtr },
                new int[] { 1, 1, 1 });
            Decoded d;
            Assert.IsTrue(Answer(NewResponder(), q, out d) > 0);
            CheckHeader(d, 1, 3);
        }

        [TestMethod]
        public void Announcement_HasAllFourRecordsAsAnswers()
        {
            byte[] response = new byte[MdnsResponder.MaxResponseBytes];
            int n = NewResponder().Announcement(response);
            Decoded d = Decode(response, n);
            CheckHeader(d, 4, 0);
            CheckPtr(Find(d.Answers, TypePtr));
            CheckSrv(Find(d.Answers, TypeSrv));
            CheckTxt(Find(d.Answers, TypeTxt));
            CheckA(Find(d.Answers, TypeA), Ip);
        }

        [TestMethod]
        public void LongestInstanceName_FitsTheResponseBuffer()
        {
            string name = "";
            for (int i = 0; i < 63; i++)
            {
                name += "x";
            }
            MdnsResponder responder = new MdnsResponder(name, 65535, Ip);
            byte[] response = new byte[MdnsResponder.MaxResponseBytes];
            int n = responder.Announcement(response);
            Decoded d = Decode(response, n);
            Assert.AreEqual(4, d.Answers.Length);
            Assert.AreEqual(65535, Find(d.Answers, TypeSrv).Port);
            byte[] query = Question(name + "._mqtt._tcp.local", TypeAny);
            Assert.IsTrue(responder.Answer(query, query.Length, response) > 0);
        }

        // ---- nothing to answer ---------------------------------------------------------------------------

        [TestMethod]
        public void OtherNamesAndTypes_GetNothing()
        {
            Assert.AreEqual(0, AnswerCount(Question("_http._tcp.local", TypePtr)));
            Assert.AreEqual(0, AnswerCount(Question("_mqtt._udp.local", TypePtr)));
            Assert.AreEqual(0, AnswerCount(Question("_mqtt._tcp.local.example", TypePtr)));
            Assert.AreEqual(0, AnswerCount(Question("x._mqtt._tcp.local", TypePtr)));
            Assert.AreEqual(0, AnswerCount(Question("other-broker._mqtt._tcp.local", TypeSrv)));
            Assert.AreEqual(0, AnswerCount(Question("nanobroker-a1b2c4.local", TypeA)));
            Assert.AreEqual(0, AnswerCount(Question("nanobroker-a1b2c3.lan", TypeA)));
            Assert.AreEqual(0, AnswerCount(Question(Instance + ".local", TypeAaaa)));
            Assert.AreEqual(0, AnswerCount(Question(Instance + ".local", TypeSrv)));
            Assert.AreEqual(0, AnswerCount(Question("_mqtt._tcp.local", TypeSrv)));
            Assert.AreEqual(0, AnswerCount(Question(Instance + "._mqtt._tcp.local", TypeA)));
            // Class CHAOS.
            Assert.AreEqual(0, AnswerCount(Query(0, new string[] { "_mqtt._tcp.local" }, new int[] { TypePtr }, new int[] { 3 })));
        }

        [TestMethod]
        public void ResponsesAndOtherOpcodes_AreIgnored()
        {
            string[] names = { "_mqtt._tcp.local" };
            int[] types = { TypePtr };
            int[] classes = { 1 };
            Assert.IsTrue(AnswerCount(Query(0, names, types, classes)) > 0);
            Assert.AreEqual(0, AnswerCount(Query(0x8400, names, types, classes)), "QR=1");
            Assert.AreEqual(0, AnswerCount(Query(0x8000, names, types, classes)), "QR=1");
            Assert.AreEqual(0, AnswerCount(Query(0x2800, names, types, classes)), "opcode 5 (update)");
            Assert.AreEqual(0, AnswerCount(Query(0x0003, names, types, classes)), "rcode 3");
        }

        [TestMethod]
        public void QuestionCountOutOfBounds_IsIgnored()
        {
            byte[] q = Question("_mqtt._tcp.local", TypePtr);
            q[5] = 0;
            Assert.AreEqual(0, AnswerCount(q), "no questions");
            q[5] = 2;
            Assert.AreEqual(0, AnswerCount(q), "a second question past the end");

            string[] names = new string[17];
            int[] types = new int[17];
            int[] classes = new int[17];
            for (int i = 0; i < 17; i++)
            {
                names[i] = "_mqtt._tcp.local";
                types[i] = TypePtr;
                classes[i] = 1;
            }
            Assert.AreEqual(0, AnswerCount(Query(0, names, types, classes)), "17 questions");
        }

        [TestMethod]
        public void TruncatedAtEveryOffset_GivesNothing()
        {
            MdnsResponder responder = NewResponder();
            byte[] response = new byte[MdnsResponder.MaxResponseBytes];
            for (int n = 0; n <= DnsSdBrowse.Length; n++)
            {
                int written = responder.Answer(DnsSdBrowse, n, response);
                if (n < DnsSdBrowseQuestionEnd)
                {
                    Assert.AreEqual(0, written, "truncated to " + n);
                }
                else
                {
                    // The question section is whole; the rest (the OPT record) is not read.
                    Assert.IsTrue(written > 0, "whole question at " + n);
                }
            }
            Assert.AreEqual(0, responder.Answer(DnsSdBrowse, DnsSdBrowse.Length + 1, response), "count past the array");
            Assert.AreEqual(0, responder.Answer(DnsSdBrowse, -1, response), "negative count");
            Assert.AreEqual(0, responder.Answer(null, 0, response), "no packet");
        }

        [TestMethod]
        public void PointerLoops_AreRejected()
        {
            // c0 0c at offset 12: a pointer to itself.
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 12, 0, 1)));
            // "a" then a pointer back to it.
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0xC0, 0x0C, 0, 12, 0, 1)));
            // Two questions pointing at each other's labels: the second name points into itself.
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
                1, (byte)'a', 0, 0, 12, 0, 1,
                1, (byte)'b', 0xC0, 19, 0, 12, 0, 1)));
            // A pointer to a pointer that jumps forward again.
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
                0xC0, 14, 0, 12, 0, 1,
                0xC0, 12, 0, 12, 0, 1)));
        }

        [TestMethod]
        public void ForwardAndHeaderPointers_AreRejected()
        {
            // Pointer forward to a valid name placed later in the packet.
            byte[] b = new byte[64];
            b[5] = 1;
            b[12] = 0xC0; b[13] = 20;
            b[14] = 0; b[15] = TypePtr; b[16] = 0; b[17] = 1;
            int end = PutName(b, 20, "_mqtt._tcp.local");
            Assert.AreEqual(0, AnswerCount(Slice(b, end)));
            // Pointers into the header.
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x00, 0, 12, 0, 1)));
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x04, 0, 12, 0, 1)));
            // Pointer past the end, and a pointer cut in half.
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 12, 0, 1)));
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0)));
        }

        [TestMethod]
        public void LongPointerChains_AreRejected()
        {
            // Ten questions, each "x" plus a pointer to the previous name: a chain of nine hops at the end.
            byte[] b = new byte[256];
            b[5] = 10;
            int pos = 12;
            int previous = -1;
            for (int i = 0; i < 10; i++)
            {
                int start = pos;
                b[pos++] = 1;
                b[pos++] = (byte)'x';
                if (previous < 0)
                {
                    b[pos++] = 0;
                }
                else
                {
                    b[pos++] = 0xC0;
                    b[pos++] = (byte)previous;
                }
                b[pos++] = 0; b[pos++] = TypePtr; b[pos++] = 0; b[pos++] = 1;
                previous = start;
            }
            Assert.AreEqual(0, AnswerCount(Slice(b, pos)));
        }

        [TestMethod]
        public void OversizedLabelsAndNames_AreRejected()
        {
            // Label length 64 (0x40, a reserved label type) and 0x80.
            byte[] b = new byte[128];
            b[5] = 1;
            b[12] = 64;
            int end = 12 + 1 + 64;
            b[end] = 0; b[end + 2] = TypePtr; b[end + 4] = 1;
            Assert.AreEqual(0, AnswerCount(Slice(b, end + 5)));
            Assert.AreEqual(0, AnswerCount(Bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80, 0x10, 0, 0, 12, 0, 1)));

            // A name of 5 labels of 60 bytes: 305 bytes, past 255.
            byte[] big = new byte[400];
            big[5] = 1;
            int pos = 12;
            for (int i = 0; i < 5; i++)
            {
                big[pos++] = 60;
                for (int k = 0; k < 60; k++)
                {
                    big[pos++] = (byte)'a';
                }
            }
            big[pos++] = 0; big[pos++] = 0; big[pos++] = TypePtr; big[pos++] = 0; big[pos++] = 1;
            Assert.AreEqual(0, AnswerCount(Slice(big, pos)));

            // Past 255 through pointers: five questions of 62-byte labels chained backwards (5 x 63 + 1 bytes).
            byte[] chained = new byte[400];
            chained[5] = 5;
            pos = 12;
            int previous = -1;
            for (int i = 0; i < 5; i++)
            {
                int start = pos;
                chained[pos++] = 62;
                for (int k = 0; k < 62; k++)
                {
                    chained[pos++] = (byte)'b';
                }
                if (previous < 0)
                {
                    chained[pos++] = 0;
                }
                else
                {
                    chained[pos++] = (byte)(0xC0 | (previous >> 8));
                    chained[pos++] = (byte)previous;
                }
                chained[pos++] = 0; chained[pos++] = TypePtr; chained[pos++] = 0; chained[pos++] = 1;
                previous = start;
            }
            Assert.AreEqual(0, AnswerCount(Slice(chained, pos)), "316 bytes through pointers");
        }

        [TestMethod]
        public void RandomAndMutatedPackets_NeverThrow()
        {
            MdnsResponder responder = NewResponder();
            byte[] response = new byte[MdnsResponder.MaxResponseBytes];
            byte[] packet = new byte[128];
            uint seed = 12345;
            for (int round = 0; round < 3000; round++)
            {
                int count;
                if ((round & 1) == 0)
                {
                    // A mutation of the dns-sd query: a few random bytes changed, maybe cut short.
                    Array.Copy(DnsSdBrowse, 0, packet, 0, DnsSdBrowse.Length);
                    count = DnsSdBrowse.Length;
                    int flips = 1 + (int)(Next(ref seed) % 4);
                    for (int i = 0; i < flips; i++)
                    {
                        packet[Next(ref seed) % (uint)count] = (byte)Next(ref seed);
                    }
                    if ((Next(ref seed) & 3) == 0)
                    {
                        count = (int)(Next(ref seed) % (uint)(count + 1));
                    }
                }
                else
                {
                    count = (int)(Next(ref seed) % (uint)(packet.Length + 1));
                    for (int i = 0; i < count; i++)
                    {
                        packet[i] = (byte)Next(ref seed);
                    }
                    if (count > 5)
                    {
                        packet[2] &= 0x07; // mostly queries
                        packet[3] &= 0xF0;
                        packet[4] = 0;
                    }
                }
                int n = responder.Answer(packet, count, response);
                Assert.IsTrue(n >= 0 && n <= MdnsResponder.MaxResponseBytes);
                if (n > 0)
                {
                    Decode(response, n);
                }
            }
        }

        // ---- construction --------------------------------------------------------------------------------

        [TestMethod]
        public void BadInstanceNamesAndBuffers_AreRefused()
        {
            Assert.IsTrue(Throws(""));
            Assert.IsTrue(Throws("a.b"));
            Assert.IsTrue(Throws("a b"));
            Assert.IsTrue(Throws("caf\u00e9"));
            string longName = "";
            for (int i = 0; i < 64; i++)
            {
                longName += "y";
            }
            Assert.IsTrue(Throws(longName));
            Assert.IsFalse(Throws("nanobroker-0a0b0c"));

            bool threw = false;
            try
            {
                NewResponder().Announcement(new byte[100]);
            }
            catch (ArgumentException)
            {
                threw = true;
            }
            Assert.IsTrue(threw, "a response buffer smaller than MaxResponseBytes");
        }

        private static bool Throws(string instance)
        {
            try
            {
                new MdnsResponder(instance, 1883, Ip);
                return false;
            }
            catch (ArgumentException)
            {
                return true;
            }
        }

        private static uint Next(ref uint seed)
        {
            seed = seed * 1664525 + 1013904223;
            return seed >> 8;
        }
    }
}
