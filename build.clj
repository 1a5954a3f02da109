(ns build
  "tools.build tasks: clean, compile (src/java), test, demo, jar, install.
  Run as `bin/clojure -T:build <task>` (or `clojure -T:build <task>`)."
  (:refer-clojure :exclude [compile test])
  (:require [clojure.tools.build.api :as b]
            [clojure.java.io :as io]))

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
  ;; Classes of renamed or deleted sources must not linger.
  (b/delete {:path class-dir})
  (b/javac {:src-dirs ["src/java"]
            :class-dir class-dir
            :basis (basis [])
            :javac-opts ["--release" "22" "--add-modules" "jdk.incubator.vector"
                         "-Xlint:all,-serial,-restricted,-incubating" "-Werror"]})
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

(defn jar
  "Builds target/mmap-VERSION.jar with the compiled classes and the Clojure sources."
  [_]
  (compile nil)
  (b/write-pom {:class-dir class-dir :lib lib :version version :basis (basis [])
                :src-dirs ["src/clj"]
                :pom-data [[:licenses [:license [:name "Eclipse Public License 2.0"]
                                       [:url "https://www.eclipse.org/legal/epl-2.0/"]]]]})
  (b/copy-dir {:src-dirs ["src/clj"] :target-dir class-dir})
  (b/jar {:class-dir class-dir
          :jar-file jar-file
          :manifest {"Enable-Native-Access" "ALL-UNNAMED"
                     "Automatic-Module-Name" "mmap"}}))

(defn install
  "Installs the jar into the local Maven repository (~/.m2)."
  [_]
  (jar nil)
  (b/install {:basis (basis []) :lib lib :version version :jar-file jar-file :class-dir class-dir}))
