package io.cuecast.hls;

/** Turns a measured frame rate into the nominal one players expect in FRAME-RATE. */
final class FrameRates {
    private static final double[] NOMINAL = {23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60};

    private FrameRates() {
    }

    /**
     * The nearest nominal rate within 0.5 % of {@code measured}, else the measurement to three decimals.
     * Measured rates drift a little because RTMP timestamps are whole milliseconds.
     */
    static double snap(double measured) {
        if (measured <= 0) {
            return 0;
        }
        double best = 0;
        for (double n : NOMINAL) {
            if (Math.abs(measured - n) / n < 0.005 && (best == 0 || Math.abs(measured - n) < Math.abs(measured - best))) {
                best = n;
            }
        }
        return best > 0 ? best : Math.round(measured * 1000) / 1000.0;
    }
}
