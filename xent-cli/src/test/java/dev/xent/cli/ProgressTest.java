package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bar: only on a terminal, only after a second, erased at the end. */
class ProgressTest {

    long now;

    @Test
    void drawsAfterOneSecondAndErasesAtTheEnd() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), true, 1000, () -> now);
        now = 500_000_000L;
        p.update(100);
        assertEquals("", err.toString(), "nothing before a second");
        now = 1_200_000_000L;
        p.update(500);
        assertEquals("\rxent: [###############               ] 50% 500/1000 rows", err.toString());
        now = 1_250_000_000L;
        p.update(600);
        assertEquals(-1, err.toString().indexOf("600/"), "at most ten redraws a second");
        now = 1_400_000_000L;
        p.update(700);
        assertTrue(err.toString().endsWith("\rxent: [#####################         ] 70% 700/1000 rows"), err.toString());
        p.finish();
        String line = "xent: [#####################         ] 70% 700/1000 rows";
        assertTrue(err.toString().endsWith("\r" + " ".repeat(line.length()) + "\r"), err.toString());
        assertEquals(-1, err.toString().indexOf('\n'), "never a newline");
    }

    @Test
    void silentWhenNotATerminal() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), false, 1000, () -> now);
        now = 5_000_000_000L;
        p.update(500);
        p.finish();
        assertEquals("", err.toString());
    }
}
