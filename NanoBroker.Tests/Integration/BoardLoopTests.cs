using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    // The integration suites again, with the broker served by the socket loop the ESP32 runs
    // (NanoBroker/Net/SocketLoop.cs: polls, blocking sends of at most MaxSendBytes, no Select) and the
    // board's 5,760-byte send buffers: the board's network edge, over real TCP with real clients.

    [TestClass]
    public sealed class MosquittoClientBoardLoopTests : MosquittoClientTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class AuthBoardLoopTests : AuthTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class PahoBoardLoopTests : PahoTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class BigMessageBoardLoopTests : BigMessageTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class MqttNetDeliveryBoardLoopTests : MqttNetDeliveryTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class MqttNetSessionBoardLoopTests : MqttNetSessionTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class RedeliveryBoardLoopTests : RedeliveryTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class FlowControlBoardLoopTests : FlowControlTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class SlowPeerBoardLoopTests : SlowPeerTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class MalformedInputBoardLoopTests : MalformedInputTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class LimitsUnderLoadBoardLoopTests : LimitsUnderLoadTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class ChurnSoakBoardLoopTests : ChurnSoakTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class MqttNetLoadBoardLoopTests : MqttNetLoadTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class SessionOwnershipBoardLoopTests : SessionOwnershipTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class RetainedNeverStaleBoardLoopTests : RetainedNeverStaleTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class RetainedDeliveryBoardLoopTests : RetainedDeliveryTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class SysRetainedBudgetBoardLoopTests : SysRetainedBudgetTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class InboundFlowBoardLoopTests : InboundFlowTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class WillTakeoverBoardLoopTests : WillTakeoverTests
    {
        protected override bool BoardLoop { get { return true; } }
    }

    [TestClass]
    public sealed class Mqtt31BoardLoopTests : Mqtt31Tests
    {
        protected override bool BoardLoop { get { return true; } }
    }
}
