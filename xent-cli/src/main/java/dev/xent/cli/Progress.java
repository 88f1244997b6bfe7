package dev.xent.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr for long runs: shown only when stderr is a terminal (the launcher passes
 * {@code -Dxent.stderr.tty=true} when it is) and only once a run has taken more than a second; redrawn at most ten
 * times a second with carriage returns, and erased at the end so that stderr is left clean.
 */
final class Progress {

    /** The system property the launcher sets when stderr is a terminal. */
    static final String TTY_PROPERTY = "xent.stderr.tty";
    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final long total;
    private final LongSupplier clock;
    private final long started;
    private long lastDrawn;
    private int drawnLength;

    Progress(PrintWriter err, boolean enabled, long total, LongSupplier clock) {
        this.err = err;
        this.enabled = enabled && total > 0;
        this.total = total;
        this.clock = clock;
        this.started = clock.getAsLong();
    }

    /** A progress bar that draws only if stderr is a terminal. */
    static Progress forTerminal(PrintWriter err, long totalRows) {
        return new Progress(err, Boolean.getBoolean(TTY_PROPERTY), totalRows, System::nanoTime);
    }

    /** Records that {@code done} rows of {@code total} are finished; may redraw. */
    void update(long done) {
        if (!enabled || done >= total) {
            return;
        }
        long now = clock.getAsLong();
        if (now - started < DELAY_NANOS || (drawnLength > 0 && now - lastDrawn < REDRAW_NANOS)) {
            return;
        }
        lastDrawn = now;
        int filled = (int) (WIDTH * done / total);
        String line = "xent: [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + (100 * done / total) + "% " + done + "/" + total + " rows";
        err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawnLength = line.length();
    }

    /** Erases the bar, if drawn: call before printing anything else on stderr. */
    void finish() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }
}
