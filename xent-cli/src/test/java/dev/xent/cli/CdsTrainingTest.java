package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    @Test
    void trainingLeavesNoFilesBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = trainingDirs(tmp);
        assertEquals(0, CdsTraining.train());
        assertEquals(before, trainingDirs(tmp));
    }

    private static Set<Path> trainingDirs(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(CdsTraining.TEMP_PREFIX))
                    .collect(Collectors.toSet());
        }
    }
}
