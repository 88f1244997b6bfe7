package dev.xent.internal;

import dev.xent.catalog.KerasFunction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The computation behind each {@link KerasFunction}, registered by the catalogue as it describes the function, so
 * that the public description exposes no internal type.
 */
public final class Computations {

    private static final Map<KerasFunction, Computation> BY_FUNCTION = new ConcurrentHashMap<>();

    private Computations() {}

    public static void register(KerasFunction function, Computation computation) {
        if (BY_FUNCTION.putIfAbsent(function, computation) != null) {
            throw new IllegalStateException(function.name() + " is registered already");
        }
    }

    public static Computation of(KerasFunction function) {
        Computation c = BY_FUNCTION.get(function);
        if (c == null) {
            throw new IllegalStateException(function.name() + " has no computation");
        }
        return c;
    }
}
