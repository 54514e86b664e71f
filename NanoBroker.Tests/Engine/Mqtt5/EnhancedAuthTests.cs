#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>
    /// MQTT 5.0 enhanced authentication with SCRAM-SHA-256 (sections 3.1.2.11.9, 3.15, 4.12): CONNECT client-first →
    /// AUTH 0x18 server-first → AUTH 0x18 client-final → CONNACK 0x00 server-final; the client side written out here
    /// from RFC 5802 with the engine's HMAC, SHA-256, PBKDF2 and base64 (the host integration test uses .NET's own).
    /// Users: TestAccess's alice ("secret") and bob ("hunter2").
    /// </summary>
    [TestClass]
    public class EnhancedAuthTests
    {
        // "SCRAM-SHA-256", composed at run time (nanoFramework's string table per assembly is small).
        private static string Method() { return ScramSha256.Method; }

        // One exchange at a time, as a board with PSRAM would set (the ESP32 default is none: max_auth_exchanges 0).
        private static TestBroker Broker()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxAuthExchanges = 1;
            TestBroker b = new TestBroker(o);
            b.Broker.Access = TestAccess.Make("", false);
            b.Broker.Random = new FixedRandom();
            return b;
        }

        private static byte[] ClientFirstBare(string user)
        {
            return Utf8.GetBytes("n=" + user + ",r=clientnonce0123456789");
        }

        // Sends CONNECT with the client-first message; returns the AUTH packet the broker answers with.
        private static V5Packet Begin(TestBroker b, TestClient c, string user, string clientId)
        {
            c.Send(V5Packets.Connect(clientId, true, 0, new V5PropertyWriter().AuthenticationMethod(Method())
                .AuthenticationData(Utf8.GetBytes("n,," + Utf8.GetString(ClientFirstBare(user), 0, ClientFirstBare(user).Length)))));
            return c.Read5();
        }

        // The client-final message for the server-first one, and the server signature the client expects.
        private static string ClientFinal(string user, string password, string serverFirst, out string serverSignature)
        {
            string nonce = Field(serverFirst, "r=");
            byte[] saltText = Utf8.GetBytes(Field(serverFirst, "s="));
            byte[] salt = new byte[saltText.Length];
            int saltLength = Base64.Decode(saltText, 0, saltText.Length, salt, 0, salt.Length);
            byte[] exactSalt = new byte[saltLength];
            System.Array.Copy(salt, exactSalt, saltLength);
            int iterations = int.Parse(Field(serverFirst, "i="));
            byte[] salted = new byte[32];
            byte[] pw = Utf8.GetBytes(password);
            new Pbkdf2().Derive(pw, 0, pw.Length, exactSalt, iterations, salted);

            string withoutProof = "c=biws,r=" + nonce;
            byte[] bare = ClientFirstBare(user);
            byte[] authMessage = Utf8.GetBytes(Utf8.GetString(bare, 0, bare.Length) + "," + serverFirst + "," + withoutProof);
            byte[] clientKey = Mac(salted, Utf8.GetBytes("Client Key"));
            byte[] storedKey = new byte[32];
            Sha256 sha = new Sha256();
            sha.Update(clientKey, 0, 32);
            sha.Final(storedKey, 0);
            byte[] signature = Mac(storedKey, authMessage);
            for (int i = 0; i < 32; i++)
            {
                clientKey[i] ^= signature[i];
            }
            serverSignature = "v=" + Base64Text(Mac(Mac(salted, Utf8.GetBytes("Server Key")), authMessage));
            return withoutProof + ",p=" + Base64Text(clientKey);
        }

        private static byte[] Mac(byte[] key, byte[] message)
        {
            HmacSha256 hmac = new HmacSha256();
            byte[] mac = new byte[32];
            hmac.SetKey(key, 0, key.Length);
            hmac.Update(message, 0, message.Length);
            hmac.Final(mac, 0);
            return mac;
        }

        private static string Base64Text(byte[] bytes)
        {
            byte[] text = new byte[Base64.EncodedLength(bytes.Length)];
            Base64.Encode(bytes, 0, bytes.Length, text, 0);
            return Utf8.GetString(text, 0, text.Length);
        }

        // The value of attribute "x=" of a SCRAM message.
        private static string Field(string message, string name)
        {
            int at = message.IndexOf(name) + name.Length;
            int end = message.IndexOf(',', at);
            return end < 0 ? message.Substring(at) : message.Substring(at, end - at);
        }

        private static string Text(byte[] bytes)
        {
            return bytes == null ? null : Utf8.GetString(bytes, 0, bytes.Length);
        }

        private static void ExpectChallenge(V5Packet auth)
        {
            Assert.IsNotNull(auth, "AUTH");
            Assert.AreEqual(V5Packets.AuthType, auth.Type, "AUTH type");
            Assert.AreEqual((int)ReasonCode.ContinueAuthentication, auth.ReasonCode, "0x18 continue authentication");
            Assert.AreEqual(Method(), auth.Properties.Text(V5Property.AuthenticationMethod), "the CONNECT's method [MQTT-4.12.0-5]");
        }

        private static V5Packet Finish(TestClient c, string clientFinal)
        {
            c.Send(V5Packets.Auth(ReasonCode.ContinueAuthentication, new V5PropertyWriter().AuthenticationMethod(Method()).AuthenticationData(Utf8.GetBytes(clientFinal))));
            return c.Read5();
        }

        [TestMethod]
        public void ScramExchangeConnectsWithTheServerFinalMessageInConnAck_MQTT_4_12_0_2_MQTT_4_12_0_5()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            V5Packet challenge = Begin(b, c, "alice", "dev");
            ExpectChallenge(challenge);
            string serverFirst = Text(challenge.Properties.Binary(V5Property.AuthenticationData));
            Assert.IsTrue(serverFirst.IndexOf("r=clientnonce0123456789") == 0, "the client's nonce, then the server's: " + serverFirst);
            Assert.AreEqual(0, b.Broker.ConnectedClients, "not connected before CONNACK");
            string expected;
            V5Packet ack = Finish(c, ClientFinal("alice", "secret", serverFirst, out expected));
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            Assert.AreEqual(Method(), ack.Properties.Text(V5Property.AuthenticationMethod));
            Assert.AreEqual(expected, Text(ack.Properties.Binary(V5Property.AuthenticationData)), "server-final: the server knew the password");
            Assert.AreEqual(1, b.Broker.ConnectedClients);
            V5Clients.Subscribe(c, "a/b", 1);
        }

        [TestMethod]
        public void WrongPasswordAndUnknownUserAreRefusedAlikeWith0x87_MQTT_4_12_0_4()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            V5Packet challenge = Begin(b, c, "alice", "dev");
            string ignored;
            V5Packet ack = Finish(c, ClientFinal("alice", "wrong", Text(challenge.Properties.Binary(V5Property.AuthenticationData)), out ignored));
            V5Clients.ExpectConnAck(ack, ReasonCode.NotAuthorized);
            Assert.IsFalse(ack.Properties.Has(V5Property.AuthenticationData), "no server-final");
            Assert.IsTrue(c.IsClosing);

            TestClient d = b.Open();
            V5Packet decoy = Begin(b, d, "mallory", "dev");
            ExpectChallenge(decoy);
            V5Clients.ExpectConnAck(Finish(d, ClientFinal("mallory", "secret", Text(decoy.Properties.Binary(V5Property.AuthenticationData)), out ignored)), ReasonCode.NotAuthorized);
            Assert.AreEqual(0, b.Broker.ConnectedClients);
        }

        [TestMethod]
        public void AnotherMethodIsRefusedWith0x8C_MQTT_4_12_0_1()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, new V5PropertyWriter().AuthenticationMethod("SCRAM-SHA-1").AuthenticationData(new byte[] { 1 })));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.BadAuthenticationMethod);
        }

        [TestMethod]
        public void WithoutAPasswordFileOrRandomSourceScramIsRefusedWith0x8C()
        {
            TestBroker b = V5Clients.Broker();
            b.Broker.Random = new FixedRandom();
            TestClient c = b.Open();
            V5Clients.ExpectConnAck(Begin(b, c, "alice", "dev"), ReasonCode.BadAuthenticationMethod);
            TestBroker n = V5Clients.Broker();
            n.Broker.Access = TestAccess.Make("", false);
            TestClient d = n.Open();
            V5Clients.ExpectConnAck(Begin(n, d, "alice", "dev"), ReasonCode.BadAuthenticationMethod);
        }

        [TestMethod]
        public void AMalformedClientFirstMessageIsRefusedWith0x86()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, new V5PropertyWriter().AuthenticationMethod(Method()).AuthenticationData(Utf8.GetBytes("p=tls,,n=alice,r=x"))));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.BadUserNameOrPassword);
        }

        [TestMethod]
        public void AnotherPacketDuringTheExchangeIsAProtocolError_MQTT_3_1_2_30()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            ExpectChallenge(Begin(b, c, "alice", "dev"));
            c.Send(V5Packets.Subscribe(1, "a", 1, 0));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.ProtocolError);
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void DisconnectDuringTheExchangeEndsIt_MQTT_3_1_2_30()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            ExpectChallenge(Begin(b, c, "alice", "dev"));
            c.Send(V5Packets.Disconnect(ReasonCode.Success, null));
            Assert.IsNull(c.Read5(), "no CONNACK");
            Assert.IsTrue(c.IsClosing);
            TestClient next = b.Open();
            ExpectChallenge(Begin(b, next, "alice", "dev"));
        }

        [TestMethod]
        public void TheConnectTimeoutRunsDuringTheExchange()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            ExpectChallenge(Begin(b, c, "alice", "dev"));
            b.Tick(b.Broker.Options.ConnectTimeoutMs + 1);
            Assert.IsTrue(c.IsClosing, "no CONNACK within the connect timeout: closed");
        }

        [TestMethod]
        public void ExchangesBeyondMaxAuthExchangesAreRefusedWith0x89UntilOneEnds()
        {
            TestBroker b = Broker();
            Assert.AreEqual(1, b.Broker.Options.MaxAuthExchanges, "the board's default");
            TestClient first = b.Open();
            ExpectChallenge(Begin(b, first, "alice", "one"));
            TestClient second = b.Open();
            V5Clients.ExpectConnAck(Begin(b, second, "bob", "two"), ReasonCode.ServerBusy);
            first.Drop();
            TestClient third = b.Open();
            ExpectChallenge(Begin(b, third, "bob", "three"));
        }

        [TestMethod]
        public void AuthWithoutAnExchangeIsAProtocolError_MQTT_4_12_0_7()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, null, null, null, 0, false, null, "alice", Utf8.GetBytes("secret")));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            c.Send(V5Packets.Auth(ReasonCode.ContinueAuthentication, new V5PropertyWriter().AuthenticationMethod(Method())));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
        }

        [TestMethod]
        public void ReauthenticationIsRefusedWithDisconnect0x8C_MQTT_4_12_1_2()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            V5Packet challenge = Begin(b, c, "alice", "dev");
            string ignored;
            V5Clients.ExpectConnAck(Finish(c, ClientFinal("alice", "secret", Text(challenge.Properties.Binary(V5Property.AuthenticationData)), out ignored)), ReasonCode.Success);
            c.Send(V5Packets.Auth(ReasonCode.ReAuthenticate, new V5PropertyWriter().AuthenticationMethod(Method()).AuthenticationData(Utf8.GetBytes("n,,n=alice,r=again"))));
            V5Clients.ExpectDisconnect(c, ReasonCode.BadAuthenticationMethod);
        }

        [TestMethod]
        public void TheSessionBelongsToTheUserScramAuthenticated()
        {
            TestBroker b = Broker();
            TestClient c = b.Open();
            V5Packet challenge = Begin(b, c, "alice", "dev");
            string ignored;
            c.Send(V5Packets.Auth(ReasonCode.ContinueAuthentication, new V5PropertyWriter().AuthenticationMethod(Method())
                .AuthenticationData(Utf8.GetBytes(ClientFinal("alice", "secret", Text(challenge.Properties.Binary(V5Property.AuthenticationData)), out ignored)))));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            // bob with a password may not take alice's client id over.
            TestClient bob = b.Open();
            bob.Send(V5Packets.Connect("dev", false, 0, null, null, null, 0, false, null, "bob", Utf8.GetBytes("hunter2")));
            V5Clients.ExpectConnAck(bob.Read5(), ReasonCode.NotAuthorized);
        }

        // The same bytes every time: tests need no unpredictability.
        private sealed class FixedRandom : IRandomSource
        {
            public void Fill(byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    buffer[offset + i] = (byte)(i * 7 + 1);
                }
            }
        }
    }
}
