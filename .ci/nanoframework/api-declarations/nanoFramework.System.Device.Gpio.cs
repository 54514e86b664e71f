// Test-only stubs: package nanoFramework.System.Device.Gpio 1.1.62, github:nanoframework/System.Device.Gpio tag v1.1.62.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

namespace System.Device.Gpio
{
    // System.Device.Gpio/GpioController.cs: public sealed class GpioController : IDisposable
    public sealed class GpioController : IDisposable
    {
        // GpioController.cs: public GpioController()
        public GpioController() { throw null; }

        // GpioController.cs: public GpioPin OpenPin(int pinNumber, PinMode mode)
        public GpioPin OpenPin(int pinNumber, PinMode mode) { throw null; }

        // GpioController.cs: public void Dispose()
        public void Dispose() { throw null; }
    }

    // System.Device.Gpio/GpioPin.cs: public sealed class Gpio\u200BPin : IDisposable (the source spells the name
    // with a zero-width space, which C# drops from identifiers: the type is GpioPin)
    public sealed class GpioPin : IDisposable
    {
        // GpioPin.cs: public void Write(PinValue value)
        public void Write(PinValue value) { throw null; }

        // GpioPin.cs: public void Dispose()
        public void Dispose() { throw null; }
    }

    // System.Device.Gpio/PinMode.cs
    public enum PinMode
    {
        Input,
        InputPullDown,
        InputPullUp,
        Output,
        OutputOpenDrain,
        OutputOpenDrainPullUp,
        OutputOpenSource,
        OutputOpenSourcePullDown
    }

    // System.Device.Gpio/PinValue.cs: public readonly struct PinValue
    public readonly struct PinValue
    {
        // PinValue.cs: public static PinValue High => new PinValue(1);
        public static PinValue High { get { throw null; } }

        // PinValue.cs: public static PinValue Low => new PinValue(0);
        public static PinValue Low { get { throw null; } }
    }
}
