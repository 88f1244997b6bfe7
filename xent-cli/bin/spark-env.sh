# Sourced by xent-spark, check-cli-parity and xent-spark_2.13/bin/xent-spark-bench: builds this module (the Spark
# command line) and the modules it uses when their sources changed, and resolves Spark's classpath (provided scope)
# with Maven once, caching it in target/spark-classpath.txt. Sets $java (from JAVA_HOME, else PATH), $module, $root,
# $spark_jvm_flags and $spark_classpath.
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
        "$root/xent-spark_2.13/pom.xml" "$root"/xent-{core,cli,npy,keras}/src/main "$root"/xent-{core,cli,npy,keras}/pom.xml \
        -newer "$stamp" -print -quit 2>/dev/null)" ]]
}

if stale && command -v flock >/dev/null 2>&1; then
    # The same lock as ./xent's build: both build xent-core into xent-core/target.
    mkdir -p "$root/.xent-build"
    exec 9>"$root/.xent-build/build.lock"
    flock 9
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
