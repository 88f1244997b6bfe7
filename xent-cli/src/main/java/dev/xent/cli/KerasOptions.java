package dev.xent.cli;

import dev.xent.catalog.Argument;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Keras's options and {@code --config}, as {@code xent metric|loss} and {@code xent spark metric|loss} take them: a
 * picocli mixin whose options are made from the {@link Catalog}, one per argument key of any function (such as
 * {@code --from-logits}, {@code --gamma}, {@code --k}, and xent's extensions such as {@code --normalize-before-clip}),
 * plus {@code --dtype}, {@code --name} and {@code --config}. No option is written here per function: a function added
 * to the catalogue brings its options.
 *
 * <p>Public for {@code xent spark} (module xent-spark_2.13), which must read them exactly as {@code xent} does:
 *
 * <pre>{@code
 * @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = KerasOptions.MetricNames.class,
 *         description = "One of: ${COMPLETION-CANDIDATES}.")
 * String name;
 * @Mixin
 * KerasOptions keras = KerasOptions.forMetrics();            // forLosses() in a loss command
 * ...
 * keras.checkValues(this::usage);                             // --dtype
 * ConfigInput cfg = keras.config();                           // --config, parsed (DataException if bad)
 * KerasFunction f = keras.resolve(name, cfg, false, this::usage);   // NAME / class_name; options f lacks: usage
 * MeanMetricWrapper m = keras.newMetric(f, cfg, this::usage); // config, then the options over it
 * m.arguments();                                              // every argument's value, extensions included
 * JsonResult.metric(m, result, total, count);                 // the JSON line
 * }</pre>
 *
 * Every method that can fail on the command line's options takes {@code usage}, which makes the bad-usage exception
 * (exit 2); a bad {@code --config} is a {@link DataException} (exit 1).
 */
public final class KerasOptions {

    static final List<String> DTYPES = List.of("float32", "float64");

    /** Help order of the catalogue's options (Keras's, then extensions), before --dtype, --name and --config. */
    private static final int FIRST_ORDER = 10;

    /** One option per argument key of the catalogue, in the catalogue's order. */
    static final List<CatalogueOption> OPTIONS = CatalogueOption.all();

    @Option(names = "--dtype", paramLabel = "float32|float64", order = 50,
            description = "The dtype (default float32): a metric's state, a loss's compute dtype.")
    String dtype;

    @Option(names = "--name", paramLabel = "STR", order = 51, description = "The name in the config.")
    String objectName;

    @Option(names = "--config", paramLabel = "JSON|@FILE", order = 52,
            description = {"What keras.saving.serialize_keras_object(obj) writes (a metric or loss object, a"
                    + " function by name, a MeanMetricWrapper or LossFunctionWrapper of one), or a bare get_config()"
                    + " dict, inline or in FILE; tf.keras 2's forms too. Options given on the command line override"
                    + " its keys."})
    String config;

    /** Whether the command computes losses (true), metrics (false), or either (null: every option shown). */
    private final Boolean loss;

    /** The catalogue options given on the command line, by argument key, in the order given. */
    private final Map<String, Object> given = new LinkedHashMap<>();

    /** Options for a command that computes either (all of them shown in its help). */
    public KerasOptions() {
        this(null);
    }

    private KerasOptions(Boolean loss) {
        this.loss = loss;
    }

    /** Options for a metric command: the help shows those of some metric. */
    public static KerasOptions forMetrics() {
        return new KerasOptions(false);
    }

    /** Options for a loss command: the help shows those of some loss. */
    public static KerasOptions forLosses() {
        return new KerasOptions(true);
    }

    /** Called by picocli with the command this mixin joins: adds the catalogue's options to it. */
    @Spec(Spec.Target.MIXEE)
    void addCatalogueOptions(CommandSpec command) {
        for (CatalogueOption o : OPTIONS) {
            command.addOption(o.spec(loss, new ISetter() {
                @Override
                public <T> T set(T value) {
                    // picocli sets every option to its initial value (null) before parsing.
                    Object previous = value == null ? given.remove(o.key) : given.put(o.key, value);
                    @SuppressWarnings("unchecked")
                    T t = (T) previous;
                    return t;
                }
            }));
        }
    }

    /**
     * The catalogue options given on the command line: argument keys (Keras's, such as {@code label_smoothing}, and
     * extensions, such as {@code normalize_before_clip}) to values of their JSON type ({@code Boolean},
     * {@code Integer}, {@code Double}, or a {@code List<Double>} for a list), in the order given.
     */
    public Map<String, Object> given() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(given));
    }

    /** Values the options must have whatever the function. */
    public void checkValues(Function<String, RuntimeException> usage) {
        if (dtype != null && !DTYPES.contains(dtype)) {
            throw usage.apply("--dtype (" + dtype + ") must be float32 or float64");
        }
        if ("@".equals(config)) {
            throw usage.apply(ConfigInput.EMPTY_FILE);
        }
        if ("".equals(config)) {
            throw usage.apply(ConfigInput.EMPTY_TEXT);
        }
    }

    /** The parsed {@code --config}, or {@link ConfigInput#NONE}; a bad one is a {@link DataException}. */
    public ConfigInput config() {
        return config == null ? ConfigInput.NONE : ConfigInput.parse(config);
    }

    /**
     * The function {@code name} (NAME on the command line, or null) and {@code cfg}'s {@code class_name} designate,
     * after checking that every option given is one of its metric's (or loss's) and has a valid value.
     *
     * @param loss whether a loss is wanted (the function must have one) rather than a metric
     * @throws RuntimeException made by {@code usage} for a bad NAME or option; {@link DataException} for a bad config
     */
    public KerasFunction resolve(String name, ConfigInput cfg, boolean loss,
                                 Function<String, RuntimeException> usage) {
        KerasFunction f = cfg.resolve(name, loss, usage);
        checkApplicable(f, loss, usage);
        return f;
    }

    /**
     * The metric: {@code cfg}'s config (checked alone first: a bad one is a {@link DataException}), then with
     * {@code --name}, {@code --dtype} and the catalogue options over its keys (a value the metric refuses is bad
     * usage).
     */
    public MeanMetricWrapper newMetric(KerasFunction f, ConfigInput cfg, Function<String, RuntimeException> usage) {
        Map<String, Object> base = cfg.configFor(f, false);
        return ConfigInput.build(cfg.source, base, overridden(base), f::newMetric, usage);
    }

    /**
     * The loss, as {@link #newMetric}; {@code reduction} (null: the config's, else Keras's default) overrides the
     * config's {@code reduction}.
     */
    public Loss newLoss(KerasFunction f, ConfigInput cfg, String reduction, Function<String, RuntimeException> usage) {
        Map<String, Object> base = cfg.configFor(f, true);
        Map<String, Object> overridden = overridden(base);
        if (reduction != null) {
            overridden.put("reduction", reduction);
        }
        return ConfigInput.build(cfg.source, base, overridden, f::newLoss, usage);
    }

    /** {@code base} (a config) with these options over its keys; an option not given leaves its key as it is. */
    public Map<String, Object> overridden(Map<String, Object> base) {
        Map<String, Object> c = new LinkedHashMap<>(base);
        if (objectName != null) {
            c.put("name", objectName);
        }
        if (dtype != null) {
            c.put("dtype", dtype);
        }
        c.putAll(given);
        return c;
    }

    /**
     * Options the function's metric (or loss) lacks are usage errors naming the option and the class, as
     * {@code --gamma is not an option of BinaryCrossentropy; its options are --from-logits, --label-smoothing,
     * --axis}; so are values that break the argument's rule ({@code --label-smoothing (1.5) must be in [0, 1]}).
     */
    void checkApplicable(KerasFunction f, boolean loss, Function<String, RuntimeException> usage) {
        String owner = owner(f, loss);
        List<Argument> takes = f.arguments(loss);
        for (Map.Entry<String, Object> e : given.entrySet()) {
            Argument a = find(takes, e.getKey());
            String option = CatalogueOption.optionName(e.getKey());
            if (a == null) {
                StringBuilder m = new StringBuilder(option).append(" is not an option of ").append(owner);
                m.append(takes.isEmpty() ? ", which has none" : "; its options are " + optionNames(takes));
                if (find(f.arguments(!loss), e.getKey()) != null) {
                    m.append(" (").append(option).append(" is an option of the ").append(loss ? "metric" : "loss")
                            .append(" ").append(f.name()).append(" only)");
                }
                throw usage.apply(m.toString());
            }
            try {
                a.checked(e.getValue(), owner);
            } catch (IllegalArgumentException x) {
                throw usage.apply(option + " (" + shown(e.getValue()) + ") " + rule(x.getMessage()));
            }
        }
    }

    /** The class name in messages: Keras's class, or the function's name for a metric Keras has no class for. */
    static String owner(KerasFunction f, boolean loss) {
        return loss ? f.lossClassName() : f.hasMetricClass() ? f.metricClassName() : f.name();
    }

    private static Argument find(List<Argument> args, String key) {
        for (Argument a : args) {
            if (a.key().equals(key)) {
                return a;
            }
        }
        return null;
    }

    private static String optionNames(List<Argument> args) {
        List<String> names = new ArrayList<>();
        for (Argument a : args) {
            names.add(a.optionName());
        }
        return String.join(", ", names);
    }

    /** A value as typed: a list as comma-separated numbers. */
    private static String shown(Object value) {
        if (value instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object o : (List<?>) value) {
                parts.add(String.valueOf(o));
            }
            return String.join(",", parts);
        }
        return String.valueOf(value);
    }

    /** The rule of a core message {@code "NAME (VALUE) RULE"}: what follows the value. */
    private static String rule(String message) {
        int open = message.indexOf(" (");
        int close = open < 0 ? -1 : message.indexOf(") ", open);
        return close < 0 ? message : message.substring(close + 2);
    }

    /** Every function name then every metric class name, for {@code completionCandidates} of a metric's NAME. */
    public static final class MetricNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(Catalog.names(false).split(", ")).iterator();
        }
    }

    /** The names of the functions with a loss, then the loss class names, for a loss's NAME. */
    public static final class LossNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(Catalog.names(true).split(", ")).iterator();
        }
    }

    /**
     * One command-line option for every function argument of a key: the widest type of those arguments, their
     * descriptions with the functions they belong to, and whether metrics and losses take it.
     */
    static final class CatalogueOption {
        final String key;
        final Argument.Type type;
        final boolean extension;
        final boolean negatable;
        /** Description text to the names of the functions it describes, in catalogue order. */
        final Map<String, List<String>> descriptions = new LinkedHashMap<>();
        final List<String> metricFunctions = new ArrayList<>();
        final List<String> lossFunctions = new ArrayList<>();
        /** Position in {@link #OPTIONS}: the help order. */
        int position;

        private CatalogueOption(Argument first) {
            this.key = first.key();
            this.type = first.type();
            this.extension = first.isExtension();
            // A Keras flag can be switched off over a --config; an extension is never in a config.
            this.negatable = first.type() == Argument.Type.BOOLEAN && !first.isExtension();
        }

        private CatalogueOption(CatalogueOption o, Argument.Type type) {
            this.key = o.key;
            this.type = type;
            this.extension = o.extension;
            this.negatable = o.negatable;
            this.descriptions.putAll(o.descriptions);
            this.metricFunctions.addAll(o.metricFunctions);
            this.lossFunctions.addAll(o.lossFunctions);
        }

        static String optionName(String key) {
            return "--" + key.replace('_', '-');
        }

        static List<CatalogueOption> all() {
            Map<String, CatalogueOption> byKey = new LinkedHashMap<>();
            for (KerasFunction f : Catalog.all()) {
                for (Argument a : f.arguments()) {
                    CatalogueOption o = byKey.get(a.key());
                    if (o == null) {
                        o = new CatalogueOption(a);
                    } else {
                        o = new CatalogueOption(o, widest(o, a));
                    }
                    o.descriptions.computeIfAbsent(a.description(), d -> new ArrayList<>()).add(f.name());
                    if (find(f.arguments(false), a.key()) != null) {
                        o.metricFunctions.add(f.name());
                    }
                    if (f.hasLoss() && find(f.arguments(true), a.key()) != null) {
                        o.lossFunctions.add(f.name());
                    }
                    byKey.put(a.key(), o);
                }
            }
            List<CatalogueOption> out = new ArrayList<>(byKey.values());
            out.sort((a, b) -> Boolean.compare(a.extension, b.extension)); // stable: Keras's first
            for (int i = 0; i < out.size(); i++) {
                out.get(i).position = i;
            }
            return List.copyOf(out);
        }

        /** The type that holds values of both (an integer widens to a number, a number to a list of numbers). */
        private static Argument.Type widest(CatalogueOption o, Argument a) {
            if (o.type == a.type()) {
                return o.type;
            }
            if (o.type == Argument.Type.BOOLEAN || a.type() == Argument.Type.BOOLEAN
                    || o.extension != a.isExtension()) {
                throw new IllegalStateException("catalogue arguments '" + a.key() + "' disagree: " + o.type + " and "
                        + a.type() + (o.extension != a.isExtension() ? ", Keras's and an extension" : ""));
            }
            return o.type.ordinal() > a.type().ordinal() ? o.type : a.type();
        }

        /** The option for a metric command ({@code loss} false), a loss command (true) or either (null). */
        OptionSpec spec(Boolean loss, ISetter setter) {
            List<String> of = loss == null ? union() : loss ? lossFunctions : metricFunctions;
            OptionSpec.Builder b = OptionSpec.builder(optionName(key))
                    .order(FIRST_ORDER + position)
                    .hidden(of.isEmpty())
                    .description(description(of))
                    .setter(setter);
            switch (type) {
                case BOOLEAN:
                    return b.type(Boolean.class).arity("0").negatable(negatable).build();
                case INTEGER:
                case OPTIONAL_INTEGER:
                    return b.type(Integer.class).paramLabel("INT").build();
                case NUMBER:
                    return b.type(Double.class).paramLabel("FLOAT").build();
                case NUMBER_OR_LIST:
                    return b.type(Object.class).paramLabel("F[,F...]").converters(NUMBER_OR_LIST).build();
                default:
                    throw new AssertionError(type);
            }
        }

        private List<String> union() {
            List<String> out = new ArrayList<>(metricFunctions);
            for (String f : lossFunctions) {
                if (!out.contains(f)) {
                    out.add(f);
                }
            }
            return out;
        }

        private String description(List<String> of) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, List<String>> d : descriptions.entrySet()) {
                List<String> these = new ArrayList<>(d.getValue());
                these.retainAll(of);
                if (these.isEmpty()) {
                    continue;
                }
                String text = d.getKey().endsWith(".") ? d.getKey().substring(0, d.getKey().length() - 1) : d.getKey();
                sb.append(sb.length() == 0 ? "" : " ").append(text).append(" (").append(String.join(", ", these))
                        .append(").");
            }
            if (negatable) {
                sb.append(" --no-").append(key.replace('_', '-')).append(" overrides a --config.");
            }
            if (extension) {
                sb.append(" Not Keras's: never in the config.");
            }
            return sb.toString();
        }

        /** A number, or numbers separated by commas (one per class). */
        private static final ITypeConverter<Object> NUMBER_OR_LIST = text -> {
            try {
                if (!text.contains(",")) {
                    return Double.valueOf(text.strip());
                }
                List<Double> values = new ArrayList<>();
                for (String part : text.split(",", -1)) {
                    values.add(Double.valueOf(part.strip()));
                }
                return values;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a number or a comma-separated list of"
                        + " numbers");
            }
        };
    }
}
