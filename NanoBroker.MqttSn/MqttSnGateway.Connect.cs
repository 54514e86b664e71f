using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    // Connection setup with the will handshake (section 6.2), disconnect and sleep (sections 6.12, 6.14), keep-alive
    // (section 6.11), and the end of a client's engine connection.
    public sealed partial class MqttSnGateway
    {
        // CONNECT (section 5.4.4): Flags, ProtocolId 0x01, Duration, ClientId.
        private bool OnConnect(SnClient c, long address, byte[] b, int body, int end)
        {
            if (end - body < 4 || b[body + 1] != 0x01)
            {
                return false;
            }
            byte flags = b[body];
            int idStart = body + 4;
            int idLength = end - idStart;
            if (idLength < 1 || idLength > SnClient.MaxClientIdBytes || !Utf8.IsValid(b, idStart, idLength))
            {
                SendConnAck(address, SnFlags.RejectedNotSupported);
                return true;
            }
            if (!allow.AllowsClientId(b, idStart, idLength))
            {
                Stats.Refused++;
                Warn("mqttsn: client id not on mqttsn_client_ids, from " + SnAddress.ToText(address));
                SendConnAck(address, SnFlags.RejectedNotSupported);
                return true;
            }
            SnClient same = FindById(b, idStart, idLength);
            if (same != null && SnAddress.Ip(same.Address) != SnAddress.Ip(address))
            {
                Stats.Unknown++;
                Warn("mqttsn: CONNECT for a client id connected from " + SnAddress.ToText(same.Address) + " refused, from " + SnAddress.ToText(address));
                SendConnAck(address, SnFlags.RejectedCongestion);
                return true;
            }
            bool clean = (flags & SnFlags.CleanSession) != 0;
            bool will = (flags & SnFlags.Will) != 0;
            if (same != null && same == c && !clean && !will && (c.State == SnClientState.Asleep || c.State == SnClientState.Awake))
            {
                // A sleeping client back to active (section 6.14): its session and engine connection go on.
                c.State = SnClientState.Active;
                c.KeepAliveMs = SnHeader.ReadUInt16(b, body + 2) * 1000L;
                c.LastHeardMs = now;
                SendConnAck(address, SnFlags.Accepted);
                ResendAwaited(c);
                return true;
            }
            if (c != null)
            {
                End(c, false);
            }
            if (same != null && same != c)
            {
                End(same, true);
            }
            c = FreeSlot();
            if (c == null)
            {
                Warn("mqttsn: every client slot is taken (mqttsn_max_clients " + options.MaxClients + "): CONNACK congestion to " + SnAddress.ToText(address));
                SendConnAck(address, SnFlags.RejectedCongestion);
                return true;
            }
            c.Reset(address, now);
            System.Array.Copy(b, idStart, c.ClientId, 0, idLength);
            c.ClientIdLength = idLength;
            c.CleanSession = clean;
            c.KeepAliveMs = SnHeader.ReadUInt16(b, body + 2) * 1000L;
            if (will)
            {
                c.State = SnClientState.AwaitingWillTopic;
                c.NextRetryMs = now + options.RetryMs;
                SendEmpty(address, SnMessageType.WillTopicReq);
                return true;
            }
            StartSession(c, null, 0, 0);
            return true;
        }

        // WILLTOPIC (section 5.4.7): Flags and WillTopic, or nothing at all for no will.
        private bool OnWillTopic(SnClient c, byte[] b, int body, int end)
        {
            if (c.State != SnClientState.AwaitingWillTopic)
            {
                return true;
            }
            if (end == body)
            {
                StartSession(c, null, 0, 0);
                return true;
            }
            int qos = SnFlags.Qos(b[body]);
            int length = end - body - 1;
            if (qos < 0 || length < 1 || length > c.Buffer.Length)
            {
                return false;
            }
            if (!TopicSyntax.IsValidName(b, body + 1, length))
            {
                SendConnAck(c.Address, SnFlags.RejectedNotSupported);
                Free(c);
                return true;
            }
            System.Array.Copy(b, body + 1, c.Buffer, 0, length);
            c.BufferLength = length;
            c.WillQos = qos;
            c.WillRetain = (b[body] & SnFlags.Retain) != 0;
            c.State = SnClientState.AwaitingWillMessage;
            c.Retries = 0;
            c.NextRetryMs = now + options.RetryMs;
            SendEmpty(c.Address, SnMessageType.WillMsgReq);
            return true;
        }

        // WILLMSG (section 5.4.9): the will's payload; the handshake is complete.
        private bool OnWillMessage(SnClient c, byte[] b, int body, int end)
        {
            if (c.State == SnClientState.AwaitingWillMessage)
            {
                StartSession(c, b, body, end - body);
            }
            return true;
        }

        // The MQTT CONNECT into a new engine connection; the engine's CONNACK comes back through Drain.
        private void StartSession(SnClient c, byte[] willMessage, int willStart, int willLength)
        {
            Connection conn = broker.Open(now);
            if (conn == null)
            {
                SendConnAck(c.Address, SnFlags.RejectedCongestion);
                Free(c);
                return;
            }
            c.Connection = conn;
            c.State = SnClientState.Connecting;
            KeepWill(c, c.Buffer, willMessage == null ? 0 : c.BufferLength, willMessage, willStart, willLength);
            int size = EnginePackets.Connect(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, c.ClientId, c.ClientIdLength, c.CleanSession,
                c.Buffer, 0, willMessage == null ? 0 : c.BufferLength, willMessage == null ? c.Buffer : willMessage, willStart, willLength, c.WillQos, c.WillRetain,
                user, password);
            c.BufferLength = 0;
            if (size < 0)
            {
                SendConnAck(c.Address, SnFlags.RejectedNotSupported);
                broker.Closed(conn, now);
                Free(c);
                return;
            }
            ToEngine(c, size);
        }

        // DISCONNECT (section 5.4.21): without Duration the client leaves (the will is discarded); with one it sleeps.
        private bool OnDisconnect(SnClient c, byte[] b, int body, int end)
        {
            if (end - body != 0 && end - body != 2)
            {
                return false;
            }
            int duration = end - body == 2 ? SnHeader.ReadUInt16(b, body) : 0;
            if (duration > 0)
            {
                c.State = SnClientState.Asleep;
                c.SleepMs = duration * 1000L;
                c.LastHeardMs = now;
                SendEmpty(c.Address, SnMessageType.Disconnect);
                Info("mqttsn: " + SnAddress.ToText(c.Address) + " sleeps for " + duration + " s");
                return true;
            }
            End(c, true);
            return true;
        }

        // PINGREQ (section 5.4.19): keep-alive from a connected client; with a client id, a sleeping client waking up.
        private bool OnPingReq(SnClient c, long address, byte[] b, int body, int end)
        {
            if (end == body)
            {
                if (c == null)
                {
                    Stats.Unknown++;
                    SendEmpty(address, SnMessageType.Disconnect);
                    return true;
                }
                c.LastHeardMs = now;
                if (c.Connected)
                {
                    SendEmpty(address, SnMessageType.PingResp);
                }
                return true;
            }
            SnClient sleeper = FindById(b, body, end - body);
            if (sleeper == null || !sleeper.Connected)
            {
                Stats.Unknown++;
                SendEmpty(address, SnMessageType.Disconnect);
                return true;
            }
            if (SnAddress.Ip(sleeper.Address) != SnAddress.Ip(address) || (c != null && c != sleeper))
            {
                Stats.Unknown++;
                Warn("mqttsn: PINGREQ for a client at " + SnAddress.ToText(sleeper.Address) + " from " + SnAddress.ToText(address) + " dropped");
                return true;
            }
            // A device that slept deeply may wake on a new socket: the same host, another port, is the same client.
            sleeper.Address = address;
            sleeper.LastHeardMs = now;
            if (sleeper.State == SnClientState.Active)
            {
                SendEmpty(address, SnMessageType.PingResp);
                return true;
            }
            // Awake: Drain sends what waits, then PINGRESP puts it back to sleep (section 6.14).
            sleeper.State = SnClientState.Awake;
            ResendAwaited(sleeper);
            return true;
        }

        // A message sent before the client slept (or reconnected) and not acknowledged goes again at once.
        private void ResendAwaited(SnClient c)
        {
            if (c.Awaiting != 0)
            {
                c.Retries = 0;
                c.NextRetryMs = now + options.RetryMs;
                Resend(c);
            }
        }

        private void Timers(SnClient c)
        {
            switch (c.State)
            {
                case SnClientState.AwaitingWillTopic:
                case SnClientState.AwaitingWillMessage:
                    if (now >= c.NextRetryMs)
                    {
                        if (c.Retries >= options.Retries)
                        {
                            Free(c);
                            return;
                        }
                        c.Retries++;
                        c.NextRetryMs = now + options.RetryMs;
                        SendEmpty(c.Address, c.State == SnClientState.AwaitingWillTopic ? SnMessageType.WillTopicReq : SnMessageType.WillMsgReq);
                    }
                    return;
                case SnClientState.Asleep:
                    // Section 6.14: a client that does not wake within its sleep duration is lost.
                    if (now - c.LastHeardMs > c.SleepMs + c.SleepMs / 2)
                    {
                        Lose(c, "asleep past its duration");
                        return;
                    }
                    break;
                case SnClientState.Active:
                case SnClientState.Awake:
                    long limit = c.State == SnClientState.Awake ? c.SleepMs : c.KeepAliveMs;
                    // Section 6.11: a client not heard from within its keep-alive (one and a half, as MQTT's 3.1.2.10) is lost.
                    if (limit > 0 && now - c.LastHeardMs > limit + limit / 2)
                    {
                        Lose(c, "keep-alive timeout");
                        return;
                    }
                    if (c.Awaiting != 0 && now >= c.NextRetryMs)
                    {
                        // Section 6.13: resend every Tretry; after Nretry the client is taken as lost.
                        if (c.Retries >= options.Retries)
                        {
                            Lose(c, "no acknowledgement after " + options.Retries + " retries");
                            return;
                        }
                        c.Retries++;
                        c.NextRetryMs = now + options.RetryMs;
                        Stats.Retransmissions++;
                        Resend(c);
                    }
                    break;
            }
            KeepEngineAlive(c.Connection, c);
            HoldOutbox(c);
        }

        // While the client sleeps, or a message to it awaits its acknowledgement, the gateway leaves the outbox unread on
        // purpose: its own timers (sleep duration, Nretry) decide when the client is lost, not the engine's
        // slow_client_timeout_ms, whose clock Broker.Sent of nothing restarts.
        private void HoldOutbox(SnClient c)
        {
            Connection conn = c.Connection;
            if (conn != null && conn.Outbox.Count > 0 && (c.State == SnClientState.Asleep || c.Awaiting != 0))
            {
                broker.Sent(conn, 0, now);
            }
        }

        // With max_keep_alive set the engine imposes a keep-alive on the gateway's keep-alive 0 [MQTT-3.2.2-21]; the
        // gateway, which watches the client itself, keeps the engine connection alive with PINGREQ.
        private void KeepEngineAlive(Connection conn, SnClient c)
        {
            int max = broker.Options.MaxKeepAliveSeconds;
            long last = c == null ? qosMinusOneLastMs : c.LastToEngineMs;
            if (conn == null || max <= 0 || now - last < max * 500L)
            {
                return;
            }
            int size = EnginePackets.Empty(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, 0xC0);
            if (size > 0)
            {
                broker.Received(conn, size, now);
            }
            if (c == null)
            {
                qosMinusOneLastMs = now;
            }
            else
            {
                c.LastToEngineMs = now;
            }
        }

        // The client left (DISCONNECT, or replaced by a new CONNECT): the engine connection ends with DISCONNECT, the
        // will discarded. The client hears DISCONNECT when it asked for it, or when another socket of its host replaced
        // it; not when it sent CONNECT again from the same socket (its CONNACK was lost, say): CONNACK answers that.
        private void End(SnClient c, bool tellClient)
        {
            Connection conn = c.Connection;
            if (conn != null && !conn.IsClosing)
            {
                int size = EnginePackets.Empty(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, 0xE0);
                if (size > 0)
                {
                    broker.Received(conn, size, now);
                }
                if (!conn.IsClosing)
                {
                    // No room for DISCONNECT (the engine holds the connection back): it closes as lost, the will published.
                    CountDropped();
                }
            }
            if (conn != null)
            {
                broker.Closed(conn, now);
            }
            if (tellClient)
            {
                SendEmpty(c.Address, SnMessageType.Disconnect);
            }
            Free(c);
        }

        // The client is gone without DISCONNECT: its engine connection closes as a lost network connection, so the engine
        // publishes its will [MQTT-3.1.2-8].
        private void Lose(SnClient c, string why)
        {
            Stats.Lost++;
            Warn("mqttsn: client at " + SnAddress.ToText(c.Address) + " lost: " + why);
            if (c.Connection != null)
            {
                broker.Closed(c.Connection, now);
            }
            Free(c);
        }

        private void CloseEngine(SnClient c, bool tellClient)
        {
            broker.Closed(c.Connection, now);
            c.Connection = null;
            if (tellClient)
            {
                SendEmpty(c.Address, SnMessageType.Disconnect);
            }
            Free(c);
        }

        private static void Free(SnClient c)
        {
            c.State = SnClientState.Free;
            c.Connection = null;
            c.Awaiting = 0;
        }
    }
}
