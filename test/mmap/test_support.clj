(ns mmap.test-support
  "Helpers shared by the tests: temporary files, skipping, and child processes."
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :as t])
  (:import (java.io File)
           (java.nio.file Files)
           (java.nio.file.attribute FileAttribute)))

(set! *warn-on-reflection* true)

(def skipped (atom 0))

(defn skip!
  "Marks the current test as skipped for `reason`, which is printed."
  [reason]
  (swap! skipped inc)
  (println "SKIP" (some-> t/*testing-vars* first meta :name) "-" reason))

(defn temp-dir ^File []
  (.toFile (Files/createTempDirectory "mmap-test" (make-array FileAttribute 0))))

(defn temp-file
  "A new temporary file holding `content` (a String or byte array), deleted on exit."
  (^File [content] (temp-file content ".bin"))
  (^File [content suffix]
   (let [f (File/createTempFile "mmap-test" suffix)]
     (.deleteOnExit f)
     (if (string? content) (spit f content) (io/copy ^bytes content f))
     f)))

(defn file-bytes ^bytes [f] (Files/readAllBytes (.toPath (io/file f))))

(defn java-cmd
  "The java that runs these tests, for child JVMs."
  []
  (str (System/getProperty "java.home") "/bin/java"))

(defn sh-ok? [& args] (try (zero? (:exit (apply sh/sh args))) (catch Exception _ false)))

(defn absolute-classpath
  "This JVM's class path with every entry made absolute, for a child started elsewhere."
  []
  (str/join File/pathSeparator (map #(.getAbsolutePath (io/file %)) (str/split (System/getProperty "java.class.path") #":"))))

(defn run-clojure
  "Runs `code` (a string) in a child JVM on this JVM's classpath, in folder `dir` (default:
  here); returns sh's result map."
  [code & {:keys [jvm-opts prefix dir] :or {jvm-opts []}}]
  (apply sh/sh (concat prefix [(java-cmd) "--enable-native-access=ALL-UNNAMED"] jvm-opts
                       ["-cp" (absolute-classpath) "clojure.main" "-e" code]
                       (when dir [:dir (str dir)]))))

(defn crash-reports
  "The JVM crash reports (hs_err files) in `dir`."
  [dir]
  (filter #(str/starts-with? (.getName ^File %) "hs_err") (.listFiles (io/file dir))))

(defn run-clojure-watched
  "Runs `code` in a child JVM (as run-clojure) that writes any crash report into a fresh
  folder; returns sh's map plus :crashes, the crash reports' texts."
  [code & {:keys [jvm-opts prefix]}]
  (let [dir (temp-dir)
        r (run-clojure code :prefix prefix
                       :jvm-opts (concat ["-XX:-CreateCoredumpOnCrash" (str "-XX:ErrorFile=" dir "/hs_err_%p.log")] jvm-opts))]
    (assoc r :crashes (mapv slurp (crash-reports dir)))))

(defmacro thrown-errno
  "Evaluates body, expecting an errno failure (mmap.ErrnoException, or the raw layer's
  mmap.posix.SyscallException); returns it (or nil)."
  [& body]
  `(let [~(with-meta 'e {:tag 'mmap.posix.SyscallException}) (try ~@body nil (catch mmap.posix.SyscallException e# e#))] ~'e))

(defn- readable-by-all!
  "Makes `f` readable (and a directory enterable) by every user."
  [^File f]
  (.setReadable f true false)
  (when (.isDirectory f) (.setExecutable f true false)))

(defn- copy-classes!
  "Copies target/classes into `dir`, readable by every user: the checkout itself may sit
  where an unprivileged user cannot look (CI clones into a private folder)."
  [^File dir]
  (let [src (.toPath (io/file "target/classes"))]
    (doseq [^File f (file-seq (io/file "target/classes"))
            :let [rel (.relativize src (.toPath f))
                  target (io/file dir (str rel))]]
      (if (.isDirectory f) (.mkdirs target) (io/copy f target))
      (readable-by-all! target))))

(defn run-java
  "Runs `body` (Java statements that may throw) as the main method of a one-file program
  against a copy of target/classes alone, as `prefix` (e.g. setpriv ...) says; returns sh's map."
  [body & {:keys [prefix jvm-opts]}]
  (let [dir (temp-dir)
        classes (File. dir "classes")
        src (File. dir "Snippet.java")]
    (readable-by-all! dir)
    (copy-classes! classes)
    (spit src (str "import mmap.*; import mmap.posix.*; import java.nio.file.*;\n"
                   "public class Snippet { public static void main(String[] a) throws Exception {\n" body "\n}}\n"))
    (readable-by-all! src)
    (apply sh/sh (concat prefix [(java-cmd) "--enable-native-access=ALL-UNNAMED" "-XX:-CreateCoredumpOnCrash"]
                         (if (some #(str/starts-with? % "-XX:ErrorFile") jvm-opts) [] ["-XX:ErrorFile=/dev/null"])
                         jvm-opts ["-cp" (str classes) (str src)]))))
