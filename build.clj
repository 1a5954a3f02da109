(ns build
  "tools.build tasks: clean, compile (src/java), test, demo, jar, install.
  Run as `bin/clojure -T:build <task>` (or `clojure -T:build <task>`)."
  (:refer-clojure :exclude [compile test])
  (:require [clojure.tools.build.api :as b]
            [clojure.java.io :as io]
            [clojure.string :as str]))

(set! *warn-on-reflection* true)

(def lib 'io.github.mmap/mmap)
(def version "0.1.0")
(def class-dir "target/classes")
(def jar-file (format "target/%s-%s.jar" (name lib) version))

(defn- basis [aliases] (b/create-basis {:project "deps.edn" :aliases aliases}))

(defn clean [_]
  (b/delete {:path "target"}))

(defn compile
  "Compiles src/java with --release 22 (java.lang.foreign is final from 22)."
  [_]
  (when (< (.feature (Runtime/version)) 22)
    (throw (ex-info (str "mmap needs a JDK 22 or newer to compile src/java (java.lang.foreign), but this is "
                         (System/getProperty "java.home") " (" (Runtime/version) "). "
                         "Put a JDK 22+ first on PATH, or set JAVA_HOME, and run again.")
                    {:java.home (System/getProperty "java.home")})))
  ;; Compiled beside, then moved into place: target/classes is what tools.deps' prep checks
  ;; for (:ensure), so it must not exist unless the compilation succeeded. Classes of renamed
  ;; or deleted sources must not linger either.
  (let [fresh (str class-dir ".new")]
    (b/delete {:path fresh})
    (b/javac {:src-dirs ["src/java"]
              :class-dir fresh
              :basis (basis [])
              ;; -XDstringConcat=inline: string concatenation as StringBuilder calls, not
              ;; invokedynamic, whose first use spins classes (about 20 ms of bin/mmgrep's start).
              :javac-opts ["--release" "22" "--add-modules" "jdk.incubator.vector" "-XDstringConcat=inline"
                           "-Xlint:all,-serial,-restricted,-incubating" "-Werror"]})
    (b/delete {:path class-dir})
    (java.nio.file.Files/move (.toPath (io/file fresh)) (.toPath (io/file class-dir))
                              (into-array java.nio.file.CopyOption [])))
  ;; bin/clojure compares this directory's mtime with src/java to know when to recompile.
  (.setLastModified (io/file class-dir) (System/currentTimeMillis)))

(defn- run-main
  "Runs `clojure.main main-args` in a child JVM on the alias's classpath; returns the exit code."
  [aliases main-args]
  (let [b (basis aliases)
        cmd (b/java-command {:basis b
                             :java-opts (get-in b [:argmap :jvm-opts])
                             :main 'clojure.main
                             :main-args main-args})]
    (:exit (b/process cmd))))

(defn test
  "Compiles, then runs every test namespace (or those matching :only, a regex string)."
  [{:keys [only] :as _opts}]
  (compile nil)
  (let [exit (run-main [:test] (cond-> ["-m" "mmap.test-runner"] only (conj (str only))))]
    (when-not (zero? exit)
      (throw (ex-info "Tests failed" {:exit exit})))))

(defn demo
  "Compiles, then runs the seed's example (mmap.demo)."
  [_]
  (compile nil)
  (let [exit (run-main [:demo] ["-m" "mmap.demo"])]
    (when-not (zero? exit) (throw (ex-info "Demo failed" {:exit exit})))))

(defn bench
  "Compiles, then runs the regex benchmark (see bench/mmap/bench.clj for :size etc.)."
  [opts]
  (compile nil)
  (let [exit (run-main [:bench] (into ["-m" "mmap.bench"] (mapcat (fn [[k v]] [(str k) (str v)])) opts))]
    (when-not (zero? exit) (throw (ex-info "Benchmark failed" {:exit exit})))))

(def ^:private mmgrep-dir "target/mmgrep")

(defn- launch-archive-opts
  "JVM options that write (at exit of a training run) and then use a class archive: the AOT
  cache on JDK 25+ (JEP 483/514), an AppCDS archive before that."
  [archive]
  (if (>= (.feature (Runtime/version)) 25)
    {:train [(str "-XX:AOTCacheOutput=" archive)] :use [(str "-XX:AOTCache=" archive)]}
    {:train [(str "-XX:ArchiveClassesAtExit=" archive)] :use [(str "-XX:SharedArchiveFile=" archive)]}))

(defn mmgrep
  "Builds what bin/mmgrep runs, in target/mmgrep: a jar of the compiled Java classes (the
  command is mmap.Grep, which needs no Clojure), a class archive trained on a search of src/,
  and the java command line (file `command`, one argument per line). bin/mmgrep calls this
  when the files are missing or older than the sources."
  [_]
  (compile nil)
  (let [jar (str mmgrep-dir "/mmgrep.jar")
        archive (.getAbsolutePath (io/file mmgrep-dir "mmgrep.aot"))
        java (str (System/getProperty "java.home") "/bin/java")
        ;; No jdk.incubator.vector: its start-up warning cannot be silenced, and grep measured
        ;; no faster with it (README, "bin/mmgrep"). -Xlog keeps only errors: a stale or
        ;; mismatched archive is then ignored without a warning line.
        jvm-opts ["--enable-native-access=ALL-UNNAMED" "-XX:+UseSerialGC" "-XX:TieredStopAtLevel=1"
                  "-Xlog:disable" "-Xlog:all=error:stderr"]
        {:keys [train use]} (launch-archive-opts archive)
        abs-jar (.getAbsolutePath (io/file jar))]
    (b/delete {:path mmgrep-dir})
    (b/jar {:class-dir class-dir :jar-file jar :main 'mmap.Grep
            :manifest {"Enable-Native-Access" "ALL-UNNAMED"}})
    ;; The training run (mmap.internal.GrepTraining) searches src/ and one 2 MiB file, with
    ;; several option sets and patterns in one process. The command reads files of up to its
    ;; share of the heap (FileBytes.Reader), so the mapping path, which serves only larger
    ;; files, is not trained.
    (let [big (io/file mmgrep-dir "training.txt")
          sources (->> (file-seq (io/file "src")) (filter #(.isFile ^java.io.File %)) (map slurp) (apply str))]
      (with-open [w (io/writer big)]
        (while (< (.length big) (* 2 1024 1024)) (.write w ^String sources) (.flush w)))
      (let [{:keys [exit err]} (b/process {:command-args (concat [java] jvm-opts train
                                                                 ["-cp" abs-jar "mmap.internal.GrepTraining" "src" (str big)])
                                           :out :capture :err :capture})]
        (.delete big)
        (when-not (zero? exit)
          (throw (ex-info (str "The training run of bin/mmgrep failed: " err) {:exit exit})))))
    (spit (str mmgrep-dir "/command")
          (str/join "\n" (concat [java] jvm-opts (when (.exists (io/file archive)) use) ["-cp" abs-jar "mmap.Grep"] [""])))))

(defn javadoc
  "Builds target/javadoc for mmap, mmap.posix and mmap.internal with -Xdoclint:all, failing
  on any warning (every public class and member has its doc comment and tags)."
  [_]
  (b/delete {:path "target/javadoc"})
  (let [javadoc-bin (str (System/getProperty "java.home") "/bin/javadoc")
        {:keys [exit out err]} (b/process {:command-args [javadoc-bin "-d" "target/javadoc" "-sourcepath" "src/java"
                                                          "--add-modules" "jdk.incubator.vector"
                                                          "-Xdoclint:all" "-Xmaxwarns" "10000" "-quiet"
                                                          "-windowtitle" (str "mmap " version)
                                                          "mmap" "mmap.posix" "mmap.internal"]
                                           :out :capture :err :capture})
        ;; The incubator module's own notice is not about our sources.
        lines (remove #(or (str/blank? %) (str/includes? % "incubat") (re-find #"^\d+ warnings?$" %))
                      (str/split-lines (str out err)))]
    (run! println lines)
    (when (or (not (zero? exit)) (seq lines))
      (throw (ex-info (str "javadoc reported " (count lines) " lines; see above") {:exit exit})))
    (println "target/javadoc is clean")))

(def ^:private jar-dir "target/jar")

(defn- optional-clojure!
  "Marks org.clojure/clojure optional in the pom: Java users need only the classes, and
  Clojure users have Clojure already (tools.deps and Maven both leave optional deps out)."
  [pom]
  (let [xml (slurp pom)
        marked (str/replace xml #"(<artifactId>clojure</artifactId>\s*<version>[^<]*</version>)"
                            "$1\n      <optional>true</optional>")]
    (when (= xml marked) (throw (ex-info "no org.clojure/clojure dependency in the pom to mark optional" {:pom pom})))
    (spit pom marked)))

(defn jar
  "Builds target/mmap-VERSION.jar: the compiled classes, the Clojure sources, and a pom in
  which Clojure is optional."
  [_]
  (compile nil)
  (b/delete {:path jar-dir})
  (b/copy-dir {:src-dirs [class-dir "src/clj"] :target-dir jar-dir})
  (b/write-pom {:class-dir jar-dir :lib lib :version version :basis (basis [])
                :src-dirs ["src/clj"]
                :pom-data [[:licenses [:license [:name "Eclipse Public License 2.0"]
                                       [:url "https://www.eclipse.org/legal/epl-2.0/"]]]]})
  (optional-clojure! (str jar-dir "/META-INF/maven/" (namespace lib) "/" (name lib) "/pom.xml"))
  (b/jar {:class-dir jar-dir
          :jar-file jar-file
          :manifest {"Enable-Native-Access" "ALL-UNNAMED"
                     "Automatic-Module-Name" "mmap"}}))

(defn install
  "Installs the jar into the local Maven repository (~/.m2)."
  [_]
  (jar nil)
  (b/install {:basis (basis []) :lib lib :version version :jar-file jar-file :class-dir jar-dir}))
