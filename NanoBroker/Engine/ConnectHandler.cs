using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// CONNECT (MQTT 3.1.1 section 3.1; MQTT 3.1 "MQIsdp" level 3 accepted): the checks, authentication, the
    /// client identifier, session takeover, the session and the will, CONNACK or a refusal.
    /// </summary>
    internal sealed class ConnectHandler
    {
        // The longest client identifier MQTT 3.1 allows.
        private const int Mqtt31MaxClientId = 23;

        private readonly ConnectPacket connect;
        private readonly AuthPacket auth;
        private readonly ConnAckProperties connAck = new ConnAckProperties();
        private readonly ConnectionTable connections;
        private readonly SessionTable sessions;
        private readonly Wills wills;
        private readonly StorageKeeper keeper;
        private readonly OutboundFlow flow;
        private readonly Disconnector disconnector;
        private readonly AccessRecheck recheck;
        private readonly EnhancedAuth exchanges;
        private readonly EngineContext context;

        internal ConnectHandler(ConnectionTable connections, SessionTable sessions, Wills wills, StorageKeeper keeper, OutboundFlow flow, Disconnector disconnector, AccessRecheck recheck, EnhancedAuth exchanges, Properties shared, EngineContext context)
        {
            // The CONNECT kept by an exchange is decoded into the shared block only once the AUTH's is read.
            connect = new ConnectPacket(shared, new Properties());
            auth = new AuthPacket(shared);
            this.exchanges = exchanges;
            this.connections = connections;
            this.sessions = sessions;
            this.wills = wills;
            this.keeper = keeper;
            this.flow = flow;
            this.disconnector = disconnector;
            this.recheck = recheck;
            this.context = context;
        }

        /// <summary>Handles a CONNECT at [<paramref name="p"/>, <paramref name="end"/>) of <paramref name="b"/>; always true (it never waits).</summary>
        internal bool OnConnect(Connection c, int flags, byte[] b, int p, int end)
        {
            return Connect(c, flags, b, p, end, -1);
        }

        /// <summary>
        /// A packet of a connection Authenticating (5.0 section 4.12): AUTH 0x18 with the SCRAM client-final message ends
        /// the exchange; its success handles the CONNECT kept from its start with the user SCRAM authenticated, and
        /// CONNACK carries the server-final message [MQTT-4.12.0-5]. A failure is refused with CONNACK 0x87 (0x86 for a
        /// message that is not SCRAM), telling nothing of which check failed [MQTT-4.12.0-4]; DISCONNECT ends the
        /// connection; any other packet is a protocol error [MQTT-3.1.2-30].
        /// </summary>
        internal bool OnAuthenticating(Connection c, int type, int flags, byte[] b, int p, int end)
        {
            int slot = c.AuthExchange;
            if (type == PacketType.Disconnect)
            {
                disconnector.End(c, false, "client sent DISCONNECT during enhanced authentication");
                return true;
            }
            if (type != PacketType.Auth)
            {
                return Refuse(c, ReasonCode.ProtocolError, "packet type " + type + " during enhanced authentication [MQTT-3.1.2-30]");
            }
            byte decoded = auth.Decode(c.Version, flags, b, p, end);
            if (decoded != ReasonCode.Success)
            {
                return Refuse(c, decoded, auth.Problem);
            }
            Properties ap = auth.Properties;
            if (auth.ReasonCode != ReasonCode.ContinueAuthentication || !EnhancedAuth.IsScram(b, ap.AuthenticationMethodStart, ap.AuthenticationMethodLength))
            {
                // [MQTT-4.12.0-5] the method is the CONNECT's; [MQTT-4.12.0-3] the client continues with 0x18.
                return Refuse(c, ReasonCode.ProtocolError, "AUTH not continuing the SCRAM-SHA-256 exchange");
            }
            int result = ap.Has(PropertyId.AuthenticationData) ? exchanges.Verify(slot, b, ap.AuthenticationDataStart, ap.AuthenticationDataLength) : ScramSha256.Malformed;
            if (result != ScramSha256.Ok)
            {
                return Refuse(c, ScramRefusal(result), "SCRAM-SHA-256 authentication failed");
            }
            c.AuthExchange = Connection.ScramDone;
            return Connect(c, exchanges.ConnectFlags(slot), exchanges.Connect(slot), 0, exchanges.ConnectLength(slot), exchanges.User(slot));
        }

        // ScramSha256's result as a CONNACK code: Malformed 0x86, Refused (unknown user, wrong proof, nonce) 0x87.
        private static byte ScramRefusal(int result)
        {
            return result == ScramSha256.Malformed ? ReasonCode.BadUserNameOrPassword : ReasonCode.NotAuthorized;
        }

        // CONNECT 5.0 with the Authentication Method SCRAM-SHA-256 and the client-first message: AUTH 0x18 with the
        // server-first message [MQTT-4.12.0-2], the CONNECT kept until the client-final message comes (OnAuthenticating).
        // Other methods, or no password file (the users) or random source: CONNACK 0x8C [MQTT-4.12.0-1].
        private bool BeginAuthentication(Connection c, int flags, byte[] b, int p, int end)
        {
            Properties cp = connect.Properties;
            if (!exchanges.Enabled || !EnhancedAuth.IsScram(b, cp.AuthenticationMethodStart, cp.AuthenticationMethodLength))
            {
                return Refuse(c, ReasonCode.BadAuthenticationMethod, "unknown authentication method (SCRAM-SHA-256 needs a password file)");
            }
            if (!cp.Has(PropertyId.AuthenticationData))
            {
                return Refuse(c, ReasonCode.BadUserNameOrPassword, "SCRAM-SHA-256 without the client-first message");
            }
            int slot = exchanges.Take(c);
            if (slot < 0)
            {
                return Refuse(c, ReasonCode.ServerBusy, "all " + context.Options.MaxAuthExchanges + " enhanced authentication exchanges are under way");
            }
            int result = exchanges.Challenge(slot, b, cp.AuthenticationDataStart, cp.AuthenticationDataLength);
            if (result != ScramSha256.Ok)
            {
                return Refuse(c, ScramRefusal(result), "SCRAM-SHA-256 client-first message refused");
            }
            exchanges.KeepConnect(slot, flags, b, p, end);
            int at = OutboxWriter.Reserve(c, AuthPacket.SizeOf(exchanges.MethodLength, exchanges.ReplyLength), context.Now);
            AuthPacket.Write(c.Outbox.Buffer, at, ReasonCode.ContinueAuthentication, exchanges.Reply, 0, exchanges.MethodLength, exchanges.MethodLength, exchanges.ReplyLength);
            c.State = ConnectionState.Authenticating;
            c.AuthExchange = slot;
            return true;
        }

        // The CONNECT of [p, end) of b; authenticated: the user an enhanced authentication exchange authenticated (b
        // is then the CONNECT kept by it), or -1.
        private bool Connect(Connection c, int flags, byte[] b, int p, int end, int authenticated)
        {
            byte[] packet = b;
            // Parse.
            byte decoded = connect.Decode(flags, b, p, end);
            int level = connect.Version;
            bool cleanSession = connect.CleanSession;
            int idStart = connect.ClientIdStart;
            int idLength = connect.ClientIdLength;
            bool willFlag = connect.HasWill;

            // Act.
            BrokerOptions options = context.Options;
            AccessControl access = context.Access;
            bool v5 = level == ProtocolVersion.Mqtt5;
            if (decoded == ReasonCode.UnsupportedProtocolVersion)
            {
                // [MQTT-3.1.2-2] an unsupported protocol level, answered with a 3.1.1 CONNACK 1 (the client's own
                // version is unknown).
                return Refuse(c, ReasonCode.UnsupportedProtocolVersion, "unsupported protocol level " + level);
            }
            if (decoded != ReasonCode.Success)
            {
                disconnector.Violation(c, decoded, connect.Problem);
                return true;
            }
            // From here CONNACK is written for the client's version (a 5.0 refusal carries its reason code).
            c.Version = (byte)level;
            // 5.0: Clean Start and the Session Expiry Interval; 3.x: clean session 1 ends with the connection, 0 never expires.
            uint expiry = v5 ? (uint)connect.Properties.SessionExpiryInterval : cleanSession ? 0 : Session.Never;
            if (v5 && connect.Properties.Has(PropertyId.AuthenticationMethod) && authenticated < 0)
            {
                // Enhanced authentication (5.0 section 4.12).
                return BeginAuthentication(c, flags, b, p, end);
            }
            if (idLength == 0 && ((!cleanSession && !v5) || level == ProtocolVersion.Mqtt31))
            {
                // [MQTT-3.1.3-8] an empty identifier needs clean session (MQTT 3.1 requires an identifier; 5.0 takes
                // one with any Clean Start [MQTT-3.1.3-6]: its session expiry decides).
                return Refuse(c, ReasonCode.ClientIdentifierNotValid, "empty client identifier without clean session");
            }
            if (idLength > options.MaxClientIdBytes || (level == ProtocolVersion.Mqtt31 && idLength > Mqtt31MaxClientId))
            {
                return Refuse(c, ReasonCode.ClientIdentifierNotValid, "client identifier of " + idLength + " bytes is too long");
            }
            int keepAlive = connect.KeepAliveSeconds;
            bool serverKeepAlive = options.MaxKeepAliveSeconds > 0 && (keepAlive == 0 || keepAlive > options.MaxKeepAliveSeconds);
            if (serverKeepAlive)
            {
                if (!v5)
                {
                    // 3.x cannot be told another keep-alive: refused with CONNACK 2, as mosquitto's max_keepalive does.
                    return Refuse(c, ReasonCode.ClientIdentifierNotValid, "keep-alive of " + keepAlive + " s is over the limit of " + options.MaxKeepAliveSeconds + " s");
                }
                // [MQTT-3.2.2-21, MQTT-3.2.2-22] 5.0: CONNACK's Server Keep Alive sets the value, which the broker uses.
                keepAlive = options.MaxKeepAliveSeconds;
            }
            bool expiryCut = v5 && expiry > (uint)options.MaxSessionExpirySeconds && options.MaxSessionExpirySeconds != int.MaxValue;
            if (expiryCut)
            {
                // CONNACK tells the Session Expiry Interval the broker uses in place of the client's (section 3.2.2.3.2).
                expiry = (uint)options.MaxSessionExpirySeconds;
            }
            int user = authenticated >= 0 ? authenticated : AccessControl.Anonymous;
            long tokenExpiresAt = 0;
            if (access != null && authenticated < 0 && context.Tokens != null && connect.HasPassword
                && (!connect.HasUserName || access.FindUser(b, connect.UserNameStart, connect.UserNameLength) < 0))
            {
                // Not a password-file user: the password is a token.
                user = TokenUser(b, out tokenExpiresAt);
                if (user < 0)
                {
                    return Refuse(c, user == TokenTableFull ? ReasonCode.ServerUnavailable : ReasonCode.NotAuthorized, tokenProblem);
                }
            }
            else if (access != null && authenticated < 0)
            {
                byte code = access.Authenticate(b, connect.UserNameStart, connect.UserNameLength, connect.HasUserName, connect.PasswordStart, connect.PasswordLength, connect.HasPassword, out user);
                if (code != ConnectReturnCode.Accepted)
                {
                    return Refuse(c, code == ConnectReturnCode.BadUserNameOrPassword ? ReasonCode.BadUserNameOrPassword : ReasonCode.NotAuthorized, connect.HasUserName ? "bad user name or password" : "anonymous clients are not allowed");
                }
            }
            if (context.Hooks != null && !context.Hooks.Authenticate(b, idStart, idLength, connect.UserNameStart, connect.HasUserName ? connect.UserNameLength : -1,
                connect.PasswordStart, connect.HasPassword ? connect.PasswordLength : -1))
            {
                return Refuse(c, ReasonCode.BadUserNameOrPassword, "refused by the app's authenticator");
            }
            bool assigned = idLength == 0;
            if (assigned)
            {
                // [MQTT-3.1.3-6] assign a unique identifier.
                idLength = sessions.AssignClientId();
                b = sessions.AssignedId;
                idStart = 0;
            }
            if (willFlag && access != null && !access.MayPublish(user, b, idStart, idLength, packet, connect.WillTopicStart, connect.WillTopicLength))
            {
                return Refuse(c, ReasonCode.NotAuthorized, "the will topic is not writable for this client");
            }

            Session existing = sessions.Find(b, idStart, idLength);
            if (existing != null && access != null && existing.Owner != user)
            {
                // A session belongs to the identity that made it: another user (or an anonymous client)
                // neither resumes it, nor ends it, nor takes its connection over.
                return Refuse(c, ReasonCode.NotAuthorized, "client id " + Utf8.GetString(b, idStart, idLength) + " belongs to another user's session");
            }
            bool takeover = existing != null && existing.IsOnline;
            if (!takeover && connections.ConnectedCount >= options.MaxClients)
            {
                return Refuse(c, ReasonCode.ServerUnavailable, "client limit of " + options.MaxClients + " reached");
            }
            if (keeper.Refuses && (willFlag || (expiry != 0 && (cleanSession || existing == null || !existing.Persistent))))
            {
                // Storage full or failing: a will, or a persistent session that does not exist yet, cannot be made
                // durable. CONNACK 3, as for a will that does not fit the message store or a full session table.
                context.Stats.StorageRefused++;
                return Refuse(c, ReasonCode.ServerUnavailable, "storage " + StorageKeeper.StateName(keeper.State) + ": "
                    + (willFlag ? "a will" : "a new persistent session") + " cannot be made durable");
            }
            int lostBefore = keeper.LostBatches;
            int will = -1;
            if (willFlag)
            {
                will = wills.Keep(connect, packet);
                if (will < 0)
                {
                    return Refuse(c, ReasonCode.ServerUnavailable, "no room to store the will message");
                }
            }
            if (takeover)
            {
                // [MQTT-3.1.4-2] the existing client is disconnected. Its will is published only when its session
                // ends here; one the new connection resumes goes on, as MQTT 5.0 rules ([MQTT-3.1.2-8] there:
                // not when a new connection for the client id comes first), so a device that reconnects does
                // not announce itself gone.
                bool resumed = !cleanSession && existing.Persistent;
                // 5.0: the old connection is told why [MQTT-3.1.4-3] (DISCONNECT 0x8E).
                disconnector.EndWith(connections.At(existing.Connection), ReasonCode.SessionTakenOver, !resumed, "session taken over by a new connection");
                if (!existing.InUse)
                {
                    existing = null;
                }
            }
            bool sessionPresent = false;
            Session s;
            if (cleanSession)
            {
                if (existing != null)
                {
                    sessions.Discard(existing);
                }
                s = sessions.New(b, idStart, idLength, expiry, user);
            }
            else if (existing != null)
            {
                s = existing;
                sessionPresent = true;
                sessions.SetExpiry(s, expiry);
                // [MQTT-3.1.3-9] a will still waiting its delay is not published: the client is back.
                wills.Discard(s);
            }
            else
            {
                s = sessions.New(b, idStart, idLength, expiry, user);
            }
            if (s == null)
            {
                if (will >= 0)
                {
                    wills.Forget(will);
                }
                return Refuse(c, ReasonCode.ServerUnavailable, "session limit of " + options.MaxSessions + " reached");
            }

            c.User = user;
            c.TokenExpiresAt = tokenExpiresAt;
            if (tokenExpiresAt != 0)
            {
                // An identity's rules are its latest token's: what its sessions subscribed to under an earlier token
                // is decided again, as the rule file's grants are at each start.
                recheck.OwnedBy(user, "the rules of its identity's latest token do not grant it");
            }
            c.ReceiveMaximum = connect.Properties.ReceiveMaximum;
            c.MaximumPacketSize = connect.Properties.MaximumPacketSize > int.MaxValue ? 0 : (int)connect.Properties.MaximumPacketSize;
            c.KeepAliveMs = keepAlive * 1000;
            // [MQTT-3.1.2-24] the keep-alive period runs from this CONNECT, not from the socket's opening.
            c.LastReceivedMs = context.Now;
            connections.Attach(c, s, context.Now);
            // Outbound aliases: at most what the client accepts [MQTT-3.3.2-11] and what the table it borrowed holds.
            c.TopicAliasMaximum = connect.Properties.TopicAliasMaximum < c.OutboundAliases.Capacity ? connect.Properties.TopicAliasMaximum : c.OutboundAliases.Capacity;
            if (will >= 0)
            {
                Properties wp = connect.WillProperties;
                wills.Attach(s, will, connect.WillRetain, (uint)wp.WillDelayInterval, wp.Has(PropertyId.MessageExpiryInterval) ? wp.MessageExpiryInterval : -1);
            }
            // [MQTT-3.2.0-1] CONNACK first; [MQTT-3.2.2-2, MQTT-3.2.2-3] session present.
            int connAckAt = c.Outbox.Count;
            ConnAckProperties announced = Announce(c, assigned, idLength);
            if (serverKeepAlive)
            {
                announced.ServerKeepAlive = keepAlive;
            }
            if (expiryCut)
            {
                announced.SessionExpiryInterval = expiry;
            }
            if (authenticated >= 0)
            {
                // [MQTT-4.12.0-5] CONNACK ends the exchange with the method and the SCRAM server-final message.
                announced.AuthenticationMethod = exchanges.Reply;
                announced.AuthenticationMethodStart = 0;
                announced.AuthenticationMethodLength = exchanges.MethodLength;
                announced.AuthenticationData = exchanges.Reply;
                announced.AuthenticationDataStart = exchanges.MethodLength;
                announced.AuthenticationDataLength = exchanges.ReplyLength;
            }
            WriteConnAck(c, sessionPresent, ReasonCode.Success, announced);
            if (keeper.UrgentPending || keeper.LostBatches != lostBefore)
            {
                // The session and will records must be durable before the client hears it is connected (a failure
                // that lost them closes the connection without CONNACK: Broker.CloseWithheld).
                c.Outbox.Hold(connAckAt);
            }
            if (context.Verbose) context.Info("client " + s.ClientIdText() + " connected (connection " + c.Id + ", MQTT " + (v5 ? "5.0" : level == ProtocolVersion.Mqtt311 ? "3.1.1" : "3.1") + ", clean session " + (cleanSession ? 1 : 0) + ", keep-alive " + keepAlive + " s" + (sessionPresent ? ", session resumed" : "") + ")");

            // [MQTT-4.4.0-1] re-send unacknowledged PUBLISH (with DUP) and PUBREL packets, in order.
            flow.Resume(s);
            if (context.Hooks != null)
            {
                context.Hooks.ClientChanged(true, s.ClientId, s.ClientIdLength);
            }
            return true;
        }

        // TokenUser's refusals: the token is not valid, or the identity table is full.
        private const int TokenRefused = -1;
        private const int TokenTableFull = -2;

        // Why TokenUser refused, for the log only: the client hears CONNACK 5 / 0x87 whatever the check.
        private string tokenProblem;

        // The user index of the identity the CONNECT's token proves (its rules claim set), with its exp; or TokenRefused
        // or TokenTableFull. With token_username "identity" the CONNECT's user name must be the identity.
        private int TokenUser(byte[] b, out long expiresAt)
        {
            expiresAt = 0;
            NanoBroker.Tokens.JwtVerifier tokens = context.Tokens;
            int check = tokens.Verify(b, connect.PasswordStart, connect.PasswordLength, context.UnixSeconds);
            if (check != NanoBroker.Tokens.TokenCheck.Valid)
            {
                tokenProblem = "token refused: " + NanoBroker.Tokens.TokenCheck.Describe(check);
                return TokenRefused;
            }
            byte[] identity = tokens.Payload;
            if (tokens.Settings.UserNameIsIdentity && (!connect.HasUserName
                || !Routing.Topic.Equal(b, connect.UserNameStart, connect.UserNameLength, identity, tokens.IdentityStart, tokens.IdentityLength)))
            {
                tokenProblem = "token refused: the user name is not the token's identity";
                return TokenRefused;
            }
            AccessControl access = context.Access;
            if (access.FindUser(identity, tokens.IdentityStart, tokens.IdentityLength) >= 0)
            {
                // One name, one identity: a session's owner is recorded by name, and must come back as the same one.
                tokenProblem = "token refused: its identity is the name of a password-file user";
                return TokenRefused;
            }
            int user = access.TokenUser(identity, tokens.IdentityStart, tokens.IdentityLength);
            if (user < 0)
            {
                // Full: the identities that no session belongs to any more (every connected client's is its session's
                // owner) make room. The table holds MaxSessions + MaxClients, so this finds room.
                access.StartTokenSweep();
                for (int i = 0; i < sessions.Length; i++)
                {
                    Session s = sessions.At(i);
                    if (s.InUse)
                    {
                        access.HoldTokenUser(s.Owner);
                    }
                }
                access.ForgetUnheldTokenUsers();
                user = access.TokenUser(identity, tokens.IdentityStart, tokens.IdentityLength);
            }
            if (user < 0)
            {
                tokenProblem = "token identity table full (" + context.Options.MaxSessions + " + " + context.Options.MaxClients + " identities)";
                return TokenTableFull;
            }
            if (!access.SetTokenRules(user, tokens.RuleCount, tokens.RuleRights, identity, tokens.RuleStart, tokens.RuleLength))
            {
                tokenProblem = "token refused: its rules claim does not fit the room for it";
                return TokenRefused;
            }
            expiresAt = tokens.ExpiresAt;
            return user;
        }

        // CONNACK with a refusal code (5.0's; the encoder maps it to the 3.x return code), then close
        // [MQTT-3.2.2-4, MQTT-3.2.2-5].
        private bool Refuse(Connection c, byte code, string reason)
        {
            context.Stats.ConnectionsRefused++;
            WriteConnAck(c, false, code, null);
            context.Warn("connection " + c.Id + " refused (CONNACK " + ConnAckPacket.ReturnCode(code) + "): " + reason);
            disconnector.End(c, false, reason);
            return true;
        }

        private void WriteConnAck(Connection c, bool sessionPresent, byte code, ConnAckProperties properties)
        {
            int at = OutboxWriter.Reserve(c, ConnAckPacket.SizeOf(c.Version, properties), context.Now);
            ConnAckPacket.Write(c.Version, c.Outbox.Buffer, at, sessionPresent, code, properties);
        }

        // The broker's limits a 5.0 CONNACK announces (3.x: none are written): Receive Maximum, Maximum Packet Size,
        // Topic Alias Maximum = the aliases of the table the connection borrowed (omitted without one: 0, no alias may
        // be sent [MQTT-3.3.2-9]), what is not available (Shared when max_share_groups is 0) and the identifier the
        // broker made [MQTT-3.2.2-16].
        // Maximum QoS, Retain, Wildcard and Subscription Identifiers available are omitted (all supported). Server Keep
        // Alive and a cut Session Expiry Interval are added by OnConnect.
        private ConnAckProperties Announce(Connection c, bool assigned, int idLength)
        {
            BrokerOptions options = context.Options;
            connAck.Clear();
            connAck.ReceiveMaximum = options.InflightWindow;
            connAck.MaximumPacketSize = options.MaxPacketSize;
            // Shared subscriptions are available unless max_share_groups is 0 (omitted: available).
            connAck.SharedSubscriptionAvailable = options.MaxShareGroups > 0;
            connAck.TopicAliasMaximum = c.InboundAliases.Capacity;
            if (assigned)
            {
                connAck.AssignedClientIdentifier = sessions.AssignedId;
                connAck.AssignedClientIdentifierStart = 0;
                connAck.AssignedClientIdentifierLength = idLength;
            }
            return connAck;
        }
    }
}
