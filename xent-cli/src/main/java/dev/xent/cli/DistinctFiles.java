package dev.xent.cli;

import dev.xent.npy.NpyArrayFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Refuses, before anything is read or written, a run whose outputs name one file ({@code --output both.npy
 * --gradient both.npy} would keep only the gradient) or whose output names an input ({@code --y-true},
 * {@code --y-pred}, {@code --sample-weight}, the archive of {@code ARCHIVE.npz:KEY}, {@code --config @FILE}).
 * Two names are one file when they resolve to the same path once {@code .}, {@code ..} and symbolic links are
 * followed (the link itself and its target both count), or when both exist and are the same file
 * ({@link Files#isSameFile}: hard links).
 */
final class DistinctFiles {

    /** An option and the file it names, as given. */
    static final class Named {
        final String option;
        final String value;
        final Path path;

        Named(String option, String value, Path path) {
            this.option = option;
            this.value = value;
            this.path = path;
        }

        @Override
        public String toString() {
            return option + " (" + value + ")";
        }
    }

    private final List<Named> outputs = new ArrayList<>();
    private final List<Named> inputs = new ArrayList<>();

    /** Adds an output file; null (not given) is ignored. */
    DistinctFiles output(String option, String value) {
        Path p = path(value);
        if (p != null) {
            outputs.add(new Named(option, value, p));
        }
        return this;
    }

    /** Adds an input: a {@code .npy} or {@code ARCHIVE.npz:KEY} (its archive); null is ignored. */
    DistinctFiles input(String option, String spec) {
        if (spec != null && !spec.isEmpty()) {
            try {
                inputs.add(new Named(option, spec, NpyArrayFile.pathOf(spec)));
            } catch (InvalidPathException e) {
                // opening it will report the bad path
            }
        }
        return this;
    }

    /** Adds {@code --config}'s file when it is {@code @FILE}. */
    DistinctFiles config(String arg) {
        if (arg != null && arg.startsWith("@")) {
            Path p = path(arg.substring(1));
            if (p != null) {
                inputs.add(new Named("--config", arg, p));
            }
        }
        return this;
    }

    /** Throws {@code usage}'s exception at the first output that names another output or an input. */
    void check(Function<String, RuntimeException> usage) {
        for (int i = 0; i < outputs.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (same(outputs.get(i).path, outputs.get(j).path)) {
                    throw usage.apply(outputs.get(i) + " and " + outputs.get(j) + " name the same file; each output"
                            + " needs a file of its own");
                }
            }
            for (Named in : inputs) {
                if (same(outputs.get(i).path, in.path)) {
                    throw usage.apply(outputs.get(i) + " names the same file as the input " + in + "; an output"
                            + " must not overwrite an input");
                }
            }
        }
    }

    private static Path path(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null; // writing it will report the bad path
        }
    }

    /** Whether {@code a} and {@code b} are one file (see the class comment). */
    static boolean same(Path a, Path b) {
        Set<Path> ka = identities(a);
        for (Path k : identities(b)) {
            if (ka.contains(k)) {
                return true;
            }
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * The paths {@code p} is known by: its absolute path with the directory's links, {@code .} and {@code ..}
     * resolved (the entry a write replaces), and the real path of what it names when that exists (a link's target).
     */
    private static Set<Path> identities(Path p) {
        Set<Path> out = new HashSet<>();
        Path abs = p.toAbsolutePath();
        Path parent = abs.getParent();
        Path name = abs.getFileName();
        try {
            out.add(parent == null || name == null ? abs.normalize() : parent.toRealPath().resolve(name));
        } catch (IOException | SecurityException e) {
            out.add(abs.normalize());
        }
        try {
            out.add(p.toRealPath());
        } catch (IOException | SecurityException e) {
            // does not exist (yet)
        }
        return out;
    }
}
