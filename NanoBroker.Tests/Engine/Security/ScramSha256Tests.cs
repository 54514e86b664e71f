#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) for MQTT 5.0 enhanced authentication: the
    /// RFC 7677 section 3 exchange byte for byte, from a password-file entry, and every refusal without an
    /// exception.
    /// </summary>
    [TestClass]
    public class ScramSha256Tests
    {
        // RFC 7677 section 3: user "user", password "pencil".
        private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
        private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
        private const string Nonces = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        private const string RfcProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        private const string SaltHex = "5b6d99689d12358eeca04b141236fa81"; // W22ZaJ0SNY7soEsUEjb6gQ==
        private const int Iterations = 4096;

        // PBKDF2-HMAC-SHA-256("pencil", salt, 4096): the SaltedPassword (Python hashlib.pbkdf2_hmac).
        private const string SaltedPasswordHex = "c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d";
        private const int MaxMessage = 256;

        [TestMethod]
        public void Rfc7677ExampleExchangeByteForByte()
        {
            byte[] password = Utf8.GetBytes("pencil");
            byte[] salted = new byte[32];
            new Pbkdf2().Derive(password, 0, password.Length, FromHex(SaltHex), Iterations, salted);
            Assert.AreEqual(SaltedPasswordHex, Hex(salted));
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Assert.AreEqual(ScramSha256.Ok, Start(scram, ClientFirst));
            Assert.AreEqual("user", Utf8.GetString(scram.UserName, 0, scram.UserNameLength));
            Assert.AreEqual(ServerFirst, WriteServerFirst(scram, salted));
            Assert.AreEqual(ScramSha256.Ok, Verify(scram, ClientFinal));
            Assert.AreEqual(ServerFinal, WriteServerFinal(scram));
        }

        [TestMethod]
        public void ExchangeWorksFromAPasswordFileEntry()
        {
            // The file's PBKDF2-HMAC-SHA-256 hash is SCRAM's SaltedPassword: no plain password needed.
            AccessControl access = new AccessControl(false, 64);
            string line = AccessFiles.FormatPasswordLine("alice", "x", FromHex(SaltHex), 1) + "\n"
                + AccessFiles.FormatPasswordLine("user", "pencil", FromHex(SaltHex), Iterations) + "\n";
            Assert.IsNull(AccessFiles.LoadPasswords(Utf8.GetBytes(line), access));
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Assert.AreEqual(ScramSha256.Ok, Start(scram, ClientFirst));
            int user = access.FindUser(scram.UserName, 0, scram.UserNameLength);
            Assert.AreEqual(1, user);
            byte[] output = new byte[MaxMessage];
            int n = scram.WriteServerFirst(access.PasswordSalt(user), access.PasswordIterations(user), access.PasswordHash(user), output, 0);
            Assert.AreEqual(ServerFirst, Utf8.GetString(output, 0, n));
            Assert.AreEqual(ScramSha256.Ok, Verify(scram, ClientFinal));
            Assert.AreEqual(ServerFinal, WriteServerFinal(scram));
        }

        [TestMethod]
        public void OneInstanceRunsExchangeAfterExchange()
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            byte[] salted = SaltedPassword();
            Assert.AreEqual(ScramSha256.Ok, Start(scram, "n,,n=someone,r=abc"));
            WriteServerFirst(scram, salted);
            Assert.AreEqual(ScramSha256.Refused, Verify(scram, ClientFinal));
            for (int i = 0; i < 2; i++)
            {
                Assert.AreEqual(ScramSha256.Ok, Start(scram, ClientFirst));
                Assert.AreEqual(ServerFirst, WriteServerFirst(scram, salted));
                Assert.AreEqual(ScramSha256.Ok, Verify(scram, ClientFinal));
                Assert.AreEqual(ServerFinal, WriteServerFinal(scram));
            }
        }

        [TestMethod]
        public void WrongProofIsRefused()
        {
            // The RFC's proof with its first byte changed, and the proof from another SaltedPassword.
            Assert.AreEqual(ScramSha256.Refused, Final(Head("biws") + ",p=eHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Start(scram, ClientFirst);
            WriteServerFirst(scram, SaltedPassword());
            string withoutProof = Head("biws");
            string proof = Proof(OtherSaltedPassword(), "n=user,r=rOprNGfwEbeRWgbNEkqO," + ServerFirst + "," + withoutProof);
            Assert.AreEqual(ScramSha256.Refused, Verify(scram, withoutProof + ",p=" + proof));
            Assert.AreEqual(-1, scram.WriteServerFinal(new byte[MaxMessage], 0));
        }

        [TestMethod]
        public void WrongNonceIsRefused()
        {
            Assert.AreEqual(ScramSha256.Refused, Final("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1" + Proof()));
            Assert.AreEqual(ScramSha256.Refused, Final("c=biws,r=rOprNGfwEbeRWgbNEkqO" + Proof()));
        }

        [TestMethod]
        public void NonceMismatchIsRefusedEvenWithAValidProof()
        {
            // The proof covers the nonce the client sent; the server still insists on its own.
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Start(scram, ClientFirst);
            WriteServerFirst(scram, SaltedPassword());
            string withoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqOforged";
            string proof = Proof(SaltedPassword(), "n=user,r=rOprNGfwEbeRWgbNEkqO," + ServerFirst + "," + withoutProof);
            Assert.AreEqual(ScramSha256.Refused, Verify(scram, withoutProof + ",p=" + proof));
        }

        [TestMethod]
        public void ChannelBindingIsNotOffered()
        {
            // A client asking for binding (p=) is refused at the start [RFC 5802 section 6] ...
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "p=tls-server-end-point,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
            // ... c= must be the base64 of the gs2 header the client sent ("eSws" is "y,,") ...
            Assert.AreEqual(ScramSha256.Refused, Final(Head("eSws") + Proof()));
            Assert.AreEqual(ScramSha256.Refused, Final(Head("cD10bHMtdW5pcXVlLCw=") + Proof()));
        }

        [TestMethod]
        public void ClientThatSupportsBindingButWasNotOfferedItIsAccepted()
        {
            // "y,,": the client could bind but thinks the server cannot, which is true here.
            ScramSha256 scram = new ScramSha256(MaxMessage);
            byte[] salted = SaltedPassword();
            Assert.AreEqual(ScramSha256.Ok, Start(scram, "y,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
            WriteServerFirst(scram, salted);
            string withoutProof = Head("eSws");
            string proof = Proof(salted, "n=user,r=rOprNGfwEbeRWgbNEkqO," + ServerFirst + "," + withoutProof);
            Assert.AreEqual(ScramSha256.Ok, Verify(scram, withoutProof + ",p=" + proof));
            Assert.AreEqual(ServerFinal.Length, WriteServerFinal(scram).Length);

            Start(scram, "y,,n=user,r=rOprNGfwEbeRWgbNEkqO");
            WriteServerFirst(scram, salted);
            Assert.AreEqual(ScramSha256.Refused, Verify(scram, ClientFinal)); // c=biws is "n,,"
        }

        [TestMethod]
        public void AuthorizationIdentityAndMandatoryExtensionsAreRefused()
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "n,a=user,n=user,r=rOprNGfwEbeRWgbNEkqO"));
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "n,a=admin,n=user,r=rOprNGfwEbeRWgbNEkqO"));
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "n,,m=ext,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        }

        [TestMethod]
        public void EscapedUserNameIsUnescaped()
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Assert.AreEqual(ScramSha256.Ok, Start(scram, "n,,n=a=2Cb=3Dc,r=xyz"));
            Assert.AreEqual("a,b=c", Utf8.GetString(scram.UserName, 0, scram.UserNameLength));
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "n,,n=a=41b,r=xyz"));
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "n,,n=a=2,r=xyz"));
            Assert.AreEqual(ScramSha256.Malformed, Start(scram, "n,,n=ab=,r=xyz"));
        }

        [TestMethod]
        public void ExtensionsAreCarriedIntoTheAuthMessage()
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            byte[] salted = SaltedPassword();
            Assert.AreEqual(ScramSha256.Ok, Start(scram, ClientFirst + ",x=first"));
            WriteServerFirst(scram, salted);
            string withoutProof = Head("biws") + ",x=final";
            string proof = Proof(salted, "n=user,r=rOprNGfwEbeRWgbNEkqO,x=first," + ServerFirst + "," + withoutProof);
            Assert.AreEqual(ScramSha256.Ok, Verify(scram, withoutProof + ",p=" + proof));
        }

        [TestMethod]
        public void UnknownUserGetsAStableDecoyAndIsRefused()
        {
            // RFC 5802 section 9: answer as for a user, so a name's existence does not show.
            byte[] secret = Utf8.GetBytes("broker secret made at start");
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Assert.AreEqual(ScramSha256.Ok, Start(scram, ClientFirst));
            byte[] output = new byte[MaxMessage];
            string first = Utf8.GetString(output, 0, scram.WriteDecoyServerFirst(secret, Iterations, output, 0));
            Assert.AreEqual(Nonces.Length + 2 + 3 + 24 + 7, first.Length);
            Assert.AreEqual(0, first.IndexOf("r=" + Nonces + ",s="));
            Assert.AreEqual(first.Length - 7, first.IndexOf(",i=4096"));
            Assert.AreEqual(ScramSha256.Refused, Verify(scram, ClientFinal));
            Assert.AreEqual(-1, scram.WriteServerFinal(output, 0));

            Start(scram, ClientFirst);
            Assert.AreEqual(first, Utf8.GetString(output, 0, scram.WriteDecoyServerFirst(secret, Iterations, output, 0)));
            Start(scram, "n,,n=other,r=rOprNGfwEbeRWgbNEkqO");
            Assert.IsFalse(first == Utf8.GetString(output, 0, scram.WriteDecoyServerFirst(secret, Iterations, output, 0)));
        }

        [TestMethod]
        public void MalformedClientFirstIsRefused()
        {
            string[] messages =
            {
                "", "n", "n,", "n,,", "x,,n=user,r=abc", "n,,n=user", "n,,n=user,", "n,,n=user,r=", "n,,n=,r=abc",
                "n,,r=abc", "n,,r=abc,n=user", "n,,N=user,r=abc", "n,,n=user,s=abc", "n,,n=user,r=a b",
            };
            ScramSha256 scram = new ScramSha256(MaxMessage);
            for (int i = 0; i < messages.Length; i++)
            {
                Assert.AreEqual(ScramSha256.Malformed, Start(scram, messages[i]), messages[i]);
                Assert.AreEqual("-1", WriteServerFirst(scram, SaltedPassword(), 1), messages[i]);
            }
            Assert.AreEqual(ScramSha256.Malformed, Start(new ScramSha256(16), ClientFirst)); // past the buffer size
            byte[] badNonce = Utf8.GetBytes("a,b");
            byte[] first = Utf8.GetBytes(ClientFirst);
            Assert.AreEqual(ScramSha256.Malformed, scram.Start(first, 0, first.Length, badNonce));
        }

        [TestMethod]
        public void MalformedClientFinalIsRefused()
        {
            string[] messages =
            {
                "", "c", "c=", "c=biws", "c=biws,", Head("biws"), Head("biws") + ",",
                Head("biws") + ",p=", "r=" + Nonces + ",c=biws" + Proof(),
                "c=biws" + Proof(),
                Head("biws") + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ",   // unpadded
                Head("biws") + ",p=dHzbZapWIk4jUhN!Ute9ytag9zjfMHgsqmmiz7AndVQ=",  // not the alphabet
                Head("biws") + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVR=",  // unused bits set
                Head("biws") + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7And",     // 31 bytes
                Head("biws") + Proof() + ",x=after",
            };
            for (int i = 0; i < messages.Length; i++)
            {
                Assert.AreEqual(ScramSha256.Malformed, Final(messages[i]), messages[i]);
            }
        }

        [TestMethod]
        public void StepsOutOfOrderAreRefused()
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            byte[] output = new byte[MaxMessage];
            Assert.AreEqual(ScramSha256.Malformed, Verify(scram, ClientFinal));
            Assert.AreEqual(-1, scram.WriteServerFinal(output, 0));
            Start(scram, ClientFirst);
            Assert.AreEqual(ScramSha256.Malformed, Verify(scram, ClientFinal));
            Assert.AreEqual(-1, scram.WriteServerFinal(output, 0));
            Start(scram, ClientFirst);
            WriteServerFirst(scram, SaltedPassword());
            Assert.AreEqual("-1", WriteServerFirst(scram, SaltedPassword(), 1));
            Assert.AreEqual(ScramSha256.Ok, Verify(scram, ClientFinal));
            Assert.AreEqual(ScramSha256.Malformed, Verify(scram, ClientFinal)); // no replay within the exchange
            Assert.AreEqual(ServerFinal, WriteServerFinal(scram));
            Assert.AreEqual(-1, scram.WriteServerFinal(output, 0));
        }

        [TestMethod]
        public void ServerMessagesNeedRoom()
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Start(scram, ClientFirst);
            Assert.AreEqual(-1, scram.WriteServerFirst(FromHex(SaltHex), Iterations, SaltedPassword(), new byte[ServerFirst.Length - 1], 0));
            Start(scram, ClientFirst);
            WriteServerFirst(scram, SaltedPassword());
            Verify(scram, ClientFinal);
            Assert.AreEqual(-1, scram.WriteServerFinal(new byte[ServerFinal.Length], 1));
        }

        // "c=" binding ",r=" nonces, composed at run time: nanoFramework's string table per assembly is small.
        private static string Head(string binding)
        {
            return "c=" + binding + ",r=" + Nonces;
        }

        private static string Proof()
        {
            return ",p=" + RfcProof;
        }

        // The client's side, written out from RFC 5802 section 3 to make proofs the RFC does not list.
        private static string Proof(byte[] saltedPassword, string authMessage)
        {
            HmacSha256 hmac = new HmacSha256();
            byte[] clientKey = new byte[32];
            byte[] storedKey = new byte[32];
            byte[] signature = new byte[32];
            byte[] label = Utf8.GetBytes("Client Key");
            hmac.SetKey(saltedPassword, 0, saltedPassword.Length);
            hmac.Update(label, 0, label.Length);
            hmac.Final(clientKey, 0);
            Sha256 sha = new Sha256();
            sha.Update(clientKey, 0, clientKey.Length);
            sha.Final(storedKey, 0);
            byte[] message = Utf8.GetBytes(authMessage);
            hmac.SetKey(storedKey, 0, storedKey.Length);
            hmac.Update(message, 0, message.Length);
            hmac.Final(signature, 0);
            for (int i = 0; i < 32; i++)
            {
                clientKey[i] ^= signature[i];
            }
            byte[] text = new byte[44];
            Base64.Encode(clientKey, 0, 32, text, 0);
            return Utf8.GetString(text, 0, text.Length);
        }

        // A whole exchange up to the client-final message with the RFC's first messages.
        private static int Final(string clientFinal)
        {
            ScramSha256 scram = new ScramSha256(MaxMessage);
            Start(scram, ClientFirst);
            Assert.AreEqual(ServerFirst, WriteServerFirst(scram, SaltedPassword()));
            int result = Verify(scram, clientFinal);
            if (result != ScramSha256.Ok)
            {
                Assert.AreEqual(-1, scram.WriteServerFinal(new byte[MaxMessage], 0));
            }
            return result;
        }

        private static int Start(ScramSha256 scram, string clientFirst)
        {
            byte[] message = Utf8.GetBytes("--" + clientFirst);
            return scram.Start(message, 2, message.Length - 2, Utf8.GetBytes(ServerNonce));
        }

        private static string WriteServerFirst(ScramSha256 scram, byte[] saltedPassword)
        {
            return WriteServerFirst(scram, saltedPassword, Iterations);
        }

        // The message, or "-1" when the step was refused.
        private static string WriteServerFirst(ScramSha256 scram, byte[] saltedPassword, int iterations)
        {
            byte[] output = new byte[MaxMessage + 3];
            int n = scram.WriteServerFirst(FromHex(SaltHex), iterations, saltedPassword, output, 3);
            return n < 0 ? "-1" : Utf8.GetString(output, 3, n);
        }

        private static int Verify(ScramSha256 scram, string clientFinal)
        {
            byte[] message = Utf8.GetBytes("-" + clientFinal + "-");
            return scram.VerifyClientFinal(message, 1, message.Length - 2);
        }

        private static string WriteServerFinal(ScramSha256 scram)
        {
            byte[] output = new byte[MaxMessage];
            int n = scram.WriteServerFinal(output, 5);
            return n < 0 ? "-1" : Utf8.GetString(output, 5, n);
        }

        private static byte[] SaltedPassword()
        {
            return FromHex(SaltedPasswordHex);
        }

        // The SaltedPassword of some other password.
        private static byte[] OtherSaltedPassword()
        {
            byte[] salted = FromHex(SaltedPasswordHex);
            salted[7] ^= 0x40;
            return salted;
        }

        private static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            char[] chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i * 2] = digits[bytes[i] >> 4];
                chars[i * 2 + 1] = digits[bytes[i] & 0xF];
            }
            return new string(chars);
        }

        private static byte[] FromHex(string hex)
        {
            const string digits = "0123456789abcdef";
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(digits.IndexOf(hex[i * 2]) * 16 + digits.IndexOf(hex[i * 2 + 1]));
            }
            return bytes;
        }
    }
}
