using System;
using System.Device.Gpio;
using System.Threading;

namespace NanoBroker.Esp32
{
    /// <summary>What the status LED shows.</summary>
    public enum LedPattern
    {
        /// <summary>Fast blink (5 Hz): joining Wi-Fi.</summary>
        Connecting = 0,

        /// <summary>A short flash every 2 s: the broker is serving.</summary>
        Running = 1,

        /// <summary>Steady on: the broker stopped on an error (the board restarts).</summary>
        Fault = 2,
    }

    /// <summary>
    /// Blinks the status LED from a timer, so the single-threaded socket loop never waits for it.
    /// A pin of -1 turns it off; so does a pin the board cannot open (<see cref="Problem"/> says why): the
    /// broker runs without its LED rather than not at all.
    /// </summary>
    public sealed class StatusLed
    {
        private const int StepMs = 100;

        private readonly GpioController controller;
        private readonly GpioPin pin;
        private readonly bool activeLow;
        private readonly Timer timer;
        private int pattern; // written by the app thread, read by the timer: an int write is atomic
        private int step;

        public StatusLed(int pinNumber, bool activeLow)
        {
            if (pinNumber < 0)
            {
                return;
            }
            this.activeLow = activeLow;
            try
            {
                controller = new GpioController();
                pin = controller.OpenPin(pinNumber, PinMode.Output);
                Set(false);
            }
            catch (Exception e)
            {
                // A GPIO this chip does not have, or one another function holds (a flash or PSRAM pin).
                Problem = "led_pin " + pinNumber + " cannot drive the status LED (" + e.Message + "); running without it";
                pin = null;
                return;
            }
            timer = new Timer(OnStep, null, 0, StepMs);
        }

        /// <summary>Why the LED is off though a pin was given, or null.</summary>
        public readonly string Problem;

        public LedPattern Pattern
        {
            get { return (LedPattern)pattern; }
            set { pattern = (int)value; }
        }

        private void OnStep(object state)
        {
            step = (step + 1) % 20;
            switch ((LedPattern)pattern)
            {
                case LedPattern.Connecting:
                    Set(step % 2 == 0);
                    break;
                case LedPattern.Running:
                    Set(step == 0);
                    break;
                default:
                    Set(true);
                    break;
            }
        }

        private void Set(bool on)
        {
            pin.Write(on != activeLow ? PinValue.High : PinValue.Low);
        }
    }
}
