// Test-only stubs: package nanoFramework.System.Device.Adc 1.1.24, github:nanoframework/System.Device.Adc tag v1.1.24.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

using System;

namespace System.Device.Adc
{
    // System.Device.Adc/AdcControllerBase.cs: public abstract class AdcControllerBase
    public abstract class AdcControllerBase
    {
        // AdcControllerBase.cs: public abstract AdcChannel OpenChannel(int channelNumber);
        public abstract AdcChannel OpenChannel(int channelNumber);
    }

    // System.Device.Adc/AdcController.cs: public class AdcController : AdcControllerBase
    public class AdcController : AdcControllerBase
    {
        // AdcController.cs: public AdcController()
        public AdcController() { throw null; }

        // AdcController.cs: public override AdcChannel OpenChannel(int channelNumber)
        public override AdcChannel OpenChannel(int channelNumber) { throw null; }
    }

    // System.Device.Adc/AdcChannelBase.cs: public abstract class AdcChannelBase
    public abstract class AdcChannelBase
    {
        // AdcChannelBase.cs: public abstract int ReadValue();
        public abstract int ReadValue();
    }

    // System.Device.Adc/AdcChannel.cs: public class AdcChannel : AdcChannelBase, IDisposable
    public class AdcChannel : AdcChannelBase, IDisposable
    {
        // AdcChannel.cs: public override int ReadValue()
        public override int ReadValue() { throw null; }

        // AdcChannel.cs: public void Dispose()
        public void Dispose() { throw null; }
    }
}
