# Sourced by xent-spark, check-spark-parity and xent-spark_2.13/bin/xent-spark-bench: builds this module (the Spark
# command line) and the modules it uses when their sources changed, and resolves Spark's classpath (provided scope)
# with Maven once, caching it in target/spark-classpath.txt. Sets $java (from JAVA_HOME, else PATH), $module, $root,
# $spark_jvm_flags and $spark_classpath, and defines use_class_archive (see there).
module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(dirname "$module")"
cp_file="$module/target/spark-classpath.txt"
if [[ -n "${JAVA_HOME:-}" ]]; then
    java="$JAVA_HOME/bin/java"
else
    java="java"
fi
goal="${XENT_SPARK_GOAL:-compile}"
stamp="$module/target/.built-$goal"

stale() {
    [[ ! -s "$cp_file" || ! -f "$stamp" ]] && return 0
    # This module and what it compiles with: xent-spark_2.13 (its tests too: the benchmark), and xent-cli with
    # xent-core, xent-npy and xent-keras.
    [[ -n "$(find "$module/pom.xml" "$root/pom.xml" "$module/src" "$root/xent-spark_2.13/src" \
        "$root/xent-spark_2.13/pom.xml" "$root"/xent-{core,cli,npy,keras}/src/main \
        "$root"/xent-{core,cli,npy,keras}/pom.xml -newer "$stamp" -print -quit 2>/dev/null)" ]]
}

# Waits for and holds, on file descriptor 9 (closed with `exec 9>&-`), the same lock as ./xent's build: both build
# xent-core into xent-core/target.
take_build_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    mkdir -p "$root/.xent-build"
    exec 9>"$root/.xent-build/build.lock"
    flock 9
}

if stale; then
    take_build_lock
fi
if stale; then
    echo "xent spark: building the Spark command line and what it uses, resolving Spark's classpath (once)..." >&2
    # (Some Maven 3.8 builds print bare colour resets even in batch mode: drop them.)
    set +e
    (cd "$root" && mvn -q -B -Dstyle.color=never -pl xent-cli -am -DskipTests "$goal" \
        dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$cp_file") 2>&1 \
        | sed -e $'s/\x1b\\[0m//g' -e '/^$/d' >&2
    status="${PIPESTATUS[0]}"
    set -e
    if [[ "$status" -ne 0 ]]; then
        echo "xent: error: building the Spark command line failed (mvn -pl xent-cli -am $goal)" >&2
        exit 1
    fi
    touch "$stamp"
    # test-compile includes compile: the plain launcher need not build again.
    [[ "$goal" == test-compile ]] && touch "$module/target/.built-compile"
fi
exec 9>&-

# Spark 4 on JDK 17 reaches into the JDK's internals: the same list as Spark's own launcher; plus the Vector API,
# which xent-core's SIMD kernels use when present.
spark_jvm_flags=(
    -XX:+IgnoreUnrecognizedVMOptions
    --add-modules=jdk.incubator.vector
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
    --add-opens=java.base/sun.security.action=ALL-UNNAMED
    --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
    -Djdk.reflect.useDirectMethodHandle=false
    -Dio.netty.tryReflectionSetAccessible=true
)
spark_classpath="$module/target/classes:$(cat "$cp_file")"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# use_class_archive: sets $spark_run_classpath and $spark_archive_flags for a faster start. Class loading is most of
# the start-up of a Spark session (measured: a 20-row job in 5.7-6.2 s without, 3.4-3.8 s with). On first use (and
# after a rebuild) it copies the build's class directories into jars and records the classes a small job loads in a
# class-data-sharing archive (JDK 13+: -XX:ArchiveClassesAtExit, which cannot archive classes from directories),
# kept in target/spark-cds/ per java binary. XENT_SPARK_CDS=false, a JDK without the jar tool, or a failed dump keep
# the plain classpath. The JVM checks the archive against the classpath's jars and ignores a stale one; its CDS
# messages are turned off so that errors stay one line.
use_class_archive() {
    spark_run_classpath="$spark_classpath"
    spark_archive_flags=()
    [[ "${XENT_SPARK_CDS:-true}" == false ]] && return 0
    local java_bin jar_tool dir archive entry
    java_bin="$(readlink -f "$(command -v "$java")" 2>/dev/null)" || return 0
    jar_tool="$(dirname "$java_bin")/jar"
    [[ -x "$jar_tool" ]] || return 0
    # No archive for a JDK Spark does not start on (SparkCommand.NEWEST_JAVA): the command says why itself.
    local feature
    feature="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(dirname "$java_bin")")/release" 2>/dev/null)"
    [[ -n "$feature" && "$feature" -gt 22 ]] && return 0
    dir="$module/target/spark-cds"
    archive="$dir/spark-$(printf '%s' "$java_bin" | cksum | cut -d' ' -f1).jsa"
    # The classpath with each class directory (.../NAME/target/classes) replaced by dir/NAME.jar.
    local entries=() jars=() classes=()
    mapfile -t entries < <(printf '%s\n' "$spark_classpath" | tr ':' '\n')
    for entry in "${entries[@]}"; do
        if [[ -d "$entry" ]]; then
            classes+=("$entry")
            jars+=("$dir/$(basename "$(dirname "$(dirname "$entry")")").jar")
        else
            jars+=("$entry")
        fi
    done
    local run_classpath
    run_classpath="$(IFS=:; printf '%s' "${jars[*]}")"
    if archive_stale; then
        # One writer at a time: a second run waits, then finds the archive made.
        take_build_lock
        if archive_stale && ! record_class_archive; then
            echo "xent spark: the class archive was not written (see $dir/dump.log); starting without it" >&2
            exec 9>&-
            return 0
        fi
        exec 9>&-
    fi
    spark_run_classpath="$run_classpath"
    spark_archive_flags=(-XX:SharedArchiveFile="$archive" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
}

# use_class_archive's: whether $archive is missing or older than the build or its jars.
archive_stale() {
    [[ ! -s "$archive" || "$stamp" -nt "$archive" \
        || -n "$(find "$dir" -maxdepth 1 -name '*.jar' -newer "$archive" -print -quit 2>/dev/null)" ]]
}

# use_class_archive's: jars of $classes into $dir, then $archive from a 2-row job run on $run_classpath; false
# (with what the JVM said in $dir/dump.log, if it ran) when any step fails.
record_class_archive() {
    echo "xent spark: recording Spark's classes for a faster start (once, about 20 s)..." >&2
    local tmp entry status=0
    mkdir -p "$dir" 2>/dev/null && tmp="$(mktemp -d "$dir/.dump-XXXXXX" 2>/dev/null)" || return 1
    for entry in "${classes[@]}"; do
        "$jar_tool" cf "$tmp/$(basename "$(dirname "$(dirname "$entry")")").jar" -C "$entry" . 2>/dev/null \
            || status=1
    done
    printf '%s\n' '{"label": 1, "p": [0.25, 0.75]}' '{"label": 0, "p": [0.5, 0.5]}' > "$tmp/train.json" || status=1
    # The archive records the jars' paths: they move into place first, then the archive is written under a
    # temporary name and moved.
    [[ "$status" -eq 0 ]] && mv -f "$tmp"/*.jar "$dir/" \
        && "$java" "${spark_jvm_flags[@]}" -Xmx1g -XX:ArchiveClassesAtExit="$tmp/archive.jsa" \
            -cp "$run_classpath" dev.xent.spark.cli.SparkCli metric sparse_categorical_crossentropy \
            --input "$tmp/train.json" --label-col label --prediction-col p >"$tmp/dump.log" 2>&1 \
        && [[ -s "$tmp/archive.jsa" ]] && mv -f "$tmp/archive.jsa" "$archive" || status=1
    [[ -f "$tmp/dump.log" ]] && mv -f "$tmp/dump.log" "$dir/dump.log"
    rm -rf "$tmp"
    return "$status"
}
