package dev.xent.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One {@code local[2]} session for all Spark tests in the JVM (start-up is about 10 s), stopped at exit. Small
 * shuffle partition counts and no UI keep each query fast.
 */
final class SparkTestSession {

    private static SparkSession session;

    private SparkTestSession() {}

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("xent-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
