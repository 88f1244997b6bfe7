package dev.xent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code xent --version}: the Maven project version, written into {@code version.properties} at build time. */
final class VersionProvider implements IVersionProvider {

    static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        String v = p.getProperty("version");
        return v == null || v.startsWith("${") ? "unknown" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"xent " + version()};
    }
}
