package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data-sharing training run: every command in it must succeed (a renamed option would otherwise
 * leave {@code ./xent} without its archive, silently slower).
 */
class CdsTrainingTest {

    @Test
    void everyCommandSucceeds(@TempDir Path dir) throws IOException {
        assertEquals(List.of(), CdsTraining.run(dir));
    }
}
