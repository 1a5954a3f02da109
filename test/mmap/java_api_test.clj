(ns mmap.java-api-test
  "The Java API as a Java user meets it: the examples compiled and run with only
  target/classes on the class path, the Stream API against java.util.regex, a Maven project
  that depends on the installed jar, the package layout, and the javadoc task."
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.core :as m]
            [mmap.test-support :as ts])
  (:import (java.io File)
           (java.nio.charset StandardCharsets)
           (java.util.concurrent Executor Executors)
           (java.util.concurrent.atomic AtomicLong)
           (java.util.regex MatchResult Pattern)
           (java.util.stream Collectors Stream)
           (mmap MappedFile Match ScanOptions ScanOptions$Encoding)))

(set! *warn-on-reflection* true)

(defn- classes-dir []
  (or (first (filter #(str/ends-with? % "target/classes")
                     (str/split (System/getProperty "java.class.path") #":")))
      (throw (ex-info "target/classes is not on the class path" {}))))

(def ^:private compiled
  "examples/java compiled once against target/classes alone (no Clojure)."
  (delay
    (let [out (str (ts/temp-dir))
          sources (sort (map str (filter #(str/ends-with? (str %) ".java") (file-seq (io/file "examples/java")))))
          r (apply sh/sh (str (System/getProperty "java.home") "/bin/javac") "-Xlint:all" "-Werror"
                   "-cp" (classes-dir) "-d" out sources)]
      (assoc r :dir out))))

(defn- run-example
  "Runs example class `main` with only target/classes and the compiled examples on the class path."
  [main & args]
  (apply sh/sh (ts/java-cmd) "--enable-native-access=ALL-UNNAMED"
         "-cp" (str (classes-dir) File/pathSeparator (:dir @compiled)) main args))

(deftest examples-compile-against-target-classes-alone
  (is (zero? (:exit @compiled)) (str (:out @compiled) (:err @compiled))))

(deftest java-users-need-no-clojure
  (let [file (str (ts/temp-dir) "/example.txt")
        r (run-example "Example" file)]
    (is (zero? (:exit r)) (:err r))
    (is (str/includes? (:out r) "read: hello"))
    (is (str/includes? (:out r) "error: ENOENT"))
    (is (= "HELLO from java\n" (slurp file)))))

(defn- multilingual-text
  "About `mib` MiB of mixed ASCII, accented and CJK lines, with <tags> in them."
  [mib]
  (let [sb (StringBuilder.)
        words ["naïve" "über" "日本語" "tag" "ça" "λόγος" "x1" "Größe"]]
    (loop [i 0]
      (when (< (.length sb) (* mib 1024 1024))
        (.append sb (str "<" (words (mod i 8)) "> " (words (mod (* 7 i) 8)) " " i
                         (when (zero? (mod i 5)) " <end>") "\n"))
        (recur (inc i))))
    (str sb)))

(deftest grep-example-prints-what-matches-gives
  (let [text (multilingual-text 6)
        f (ts/temp-file text ".txt")
        pattern "<(\\w+)> \\S+"
        r (run-example "Grep" pattern (str f))
        expected (with-open [mp (m/map-file f)]
                   (into [] (map (fn [{:keys [start end match]}] (str start ":" end ":" match)))
                         (m/matches (re-pattern pattern) mp)))]
    (is (zero? (:exit r)) (:err r))
    (is (< 50000 (count expected)))
    (let [lines (str/split-lines (:out r))
          first-difference (first (keep-indexed (fn [i [a b]] (when (not= a b) [i a b])) (map vector expected lines)))]
      (is (= (count expected) (count lines)))
      (is (nil? first-difference) "index, expected, printed"))))

(deftest tags-example-streams-group-one
  (let [f (ts/temp-file "<a> x <b>\n<c> <d> y\n" ".txt")
        r (run-example "Tags" (str f))]
    (is (zero? (:exit r)) (:err r))
    (is (= "4 4 [a, b, c]\n" (:out r)))))

(defn- npy-bytes
  "A version 1.0 .npy file of little-endian float64 `values`, built by hand."
  ^bytes [values]
  (let [header (str "{'descr': '<f8', 'fortran_order': False, 'shape': (" (count values) ",), }")
        pad (- 64 (mod (+ 10 (count header) 1) 64))
        header (str header (apply str (repeat pad \space)) "\n")
        bb (doto (java.nio.ByteBuffer/allocate (+ 10 (count header) (* 8 (count values))))
             (.order java.nio.ByteOrder/LITTLE_ENDIAN))]
    (.put bb (byte -109))
    (.put bb (.getBytes "NUMPY" StandardCharsets/US_ASCII))
    (.put bb (byte 1)) (.put bb (byte 0))
    (.putShort bb (short (count header)))
    (.put bb (.getBytes header StandardCharsets/US_ASCII))
    (doseq [v values] (.putDouble bb (double v)))
    (.array bb)))

(deftest numbers-example-reads-writes-and-counts
  (let [dir (ts/temp-dir)
        npy (io/file dir "v.npy")
        _ (io/copy (npy-bytes [1.5 2.5 3.0]) npy)
        r (run-example "Numbers" (str (io/file dir "work.bin")) (str npy))]
    (is (zero? (:exit r)) (:err r))
    ;; 3 * (0 + 1 + ... + 99) = 14850
    (is (= "int cafe counter 42 sum 14850 first 0,3,6\nnpy FLOAT64 [3] sum 7.0\n" (:out r)))))

;; ---- the Stream API against java.util.regex over the decoded text -------------------

(defn- expected-results
  "[start-char end-char groups...] of Matcher.results over `text`, as the judge."
  [^Pattern p ^String text]
  (mapv (fn [^MatchResult r] (into [(.start r) (.end r)] (map #(.group r (int %)) (range (inc (.groupCount r))))))
        (iterator-seq (.iterator (.results (.matcher p text))))))

(defn- char-offsets
  "Maps a byte offset of `bs` (UTF-8, valid) to a char offset of its decoded string."
  [^bytes bs]
  (let [table (int-array (inc (alength bs)))]
    (loop [b 0 c 0]
      (aset table b (int c))
      (when (< b (alength bs))
        (let [lead (bit-and (aget bs b) 0xff)
              len (long (cond (< lead 0x80) 1 (< lead 0xE0) 2 (< lead 0xF0) 3 :else 4))]
          (dotimes [i len] (aset table (+ b i) (int c)))
          (recur (+ b len) (+ c (if (= len 4) 2 1))))))
    (fn [^long b] (aget table b))))

(defn- stream-results [^MappedFile f ^Pattern p ^ScanOptions o to-char]
  (with-open [s (.matches f p o)]
    (mapv (fn [^Match x] (into [(to-char (.start x)) (to-char (.end x))] (map #(.group x (int %)) (range (inc (.groupCount x))))))
          (iterator-seq (.iterator ^Stream s)))))

(deftest stream-equals-matcher-results
  (let [text (multilingual-text 2)
        bs (.getBytes ^String text StandardCharsets/UTF_8)
        f (ts/temp-file bs ".txt")
        to-char (char-offsets bs)]
    (with-open [mf (MappedFile/open (.toPath f))]
      (doseq [re ["<(\\w+)>" "(?<word>\\p{L}+) (?<num>\\d+)" "(?m)\\d+$" "(?m)^<日本語>.*$" "ü|é|ß" "(?s)<end>.{0,40}?<tag>"]]
        (let [p (Pattern/compile re)
              expected (expected-results p text)]
          (is (pos? (count expected)) re)
          (doseq [threads [1 2]]
            (testing (str re " on " threads " threads")
              (let [got (stream-results mf p (.threads (ScanOptions.) threads) to-char)]
                (is (= (count expected) (count got) (.countMatches mf p (.threads (ScanOptions.) threads))))
                (is (= expected got))))))))))

(deftest named-groups-and-offsets
  (let [text "id=42 name=größe\nid=7 name=x\n"
        f (ts/temp-file text ".txt")]
    (with-open [mf (MappedFile/open (.toPath f))
                s (.matches mf #"id=(?<id>\d+) name=(?<name>\S+)")]
      (let [[^Match a ^Match b :as all] (vec (.toList ^Stream s))]
        (is (= 2 (count all)))
        (is (= ["42" "größe" "7" "x"] [(.group a "id") (.group a "name") (.group b "id") (.group b "name")]))
        (is (= 2 (.groupCount a)))
        (is (= [0 18] [(.start a) (.end a)]) "byte offsets: ö and ß are two bytes each")
        (is (= [11 18] [(.start a 2) (.end a 2)]))
        (is (thrown-with-msg? IllegalArgumentException #"No group with name <nope>" (.group a "nope")))))))

(defn- with-counting-executor
  "Calls (f executor tasks) with an Executor of two threads that counts, in the AtomicLong
  tasks, the tasks given to it; shuts it down after."
  [f]
  (let [pool (Executors/newFixedThreadPool 2)
        tasks (AtomicLong.)
        counting (reify Executor (execute [_ r] (.incrementAndGet tasks) (.execute pool r)))]
    (try (f counting tasks)
         (finally (.shutdown pool)))))

(deftest scan-options-range-encoding-and-executor
  (let [bs (.getBytes "aé aé aé aé" StandardCharsets/UTF_8)
        f (ts/temp-file bs ".txt")]
    (with-open [mf (MappedFile/open (.toPath f))]
      (testing "a byte range"
        (is (= 2 (.countMatches mf #"aé" (.range (ScanOptions.) 4 12)))))
      (testing "Latin-1 sees é as two chars"
        (is (= 4 (.countMatches mf #"a\u00c3\u00a9" (.encoding (ScanOptions.) ScanOptions$Encoding/LATIN_1))))
        (is (= 0 (.countMatches mf #"aé" (.encoding (ScanOptions.) ScanOptions$Encoding/LATIN_1)))))
      (testing "a range outside the mapping"
        (is (thrown-with-msg? IndexOutOfBoundsException #"outside the mapping"
                              (.countMatches mf #"a" (.range (ScanOptions.) 0 1000)))))))
  (testing "the scan runs on the caller's executor"
    (let [f (ts/temp-file (multilingual-text 8) ".txt")]
      (with-counting-executor
        (fn [counting ^AtomicLong tasks]
          (with-open [mf (MappedFile/open (.toPath f))]
            (let [p #"<(\w+)>"
                  n (.countMatches mf p)]
              (is (= n (.countMatches mf p (-> (ScanOptions.) (.threads 2) (.executor counting)))))
              (is (< 1 (.get tasks)) "the count was split into tasks on that executor")
              (.set tasks 0)
              (with-open [s (.matches mf p (-> (ScanOptions.) (.threads 2) (.executor counting)))]
                (is (= n (.count ^Stream s))))
              (is (< 1 (.get tasks))))))))))

(deftest closing-the-stream-stops-the-scan
  (let [f (ts/temp-file (multilingual-text 16) ".txt")]
    (with-counting-executor
      (fn [counting ^AtomicLong tasks]
        (with-open [mf (MappedFile/open (.toPath f))]
          (let [s (.matches mf #"<(\w+)>" (-> (ScanOptions.) (.threads 2) (.executor counting)))
                it (.iterator ^Stream s)]
            (is (= "<end>" (.group ^Match (.next it))))
            (.close ^Stream s)
            (Thread/sleep 300)
            (let [after-close (.get tasks)]
              (Thread/sleep 500)
              (is (= after-close (.get tasks)) "no task is started after close")
              (is (< after-close 20) "and the file was not scanned to its end ahead of the reader"))))))))

;; ---- a Maven project that depends on the installed jar --------------------------------

(defn- mvn-available? [] (ts/sh-ok? "mvn" "-v"))

(deftest a-maven-project-builds-and-runs-against-the-installed-jar
  (if-not (mvn-available?)
    (ts/skip! "mvn is not on PATH")
    (let [install (sh/sh "bin/clojure" "-T:build" "install")
          java-home (System/getProperty "java.home")
          env (assoc (into {} (System/getenv)) "JAVA_HOME" java-home)
          dir "examples/maven"
          offline (sh/sh "mvn" "-q" "-o" "package" :dir dir :env env)
          build (if (zero? (:exit offline)) offline (sh/sh "mvn" "-q" "package" :dir dir :env env))
          jar (first (filter #(str/ends-with? (str %) ".jar") (.listFiles (io/file dir "target"))))
          m2-jar (io/file (System/getProperty "user.home") ".m2/repository/io/github/mmap/mmap")
          f (ts/temp-file "one <a> two <bb>\n" ".txt")]
      (is (zero? (:exit install)) (str (:out install) (:err install)))
      (is (zero? (:exit build)) (str (:out build) (:err build)))
      (is (.isDirectory m2-jar))
      (when (and jar (zero? (:exit build)))
        (let [version (last (sort (map #(.getName ^File %) (filter #(.isDirectory ^File %) (.listFiles m2-jar)))))
              lib (io/file m2-jar version (str "mmap-" version ".jar"))
              run (sh/sh (str java-home "/bin/java") "--enable-native-access=ALL-UNNAMED"
                         "-cp" (str jar File/pathSeparator lib) "example.Main" "<(\\w+)>" (str f))]
          (is (zero? (:exit run)) (:err run))
          (is (= "4:7:<a>\n12:16:<bb>\n" (:out run)))))
      (testing "the jar's pom leaves Clojure to those who use it"
        (let [pom (slurp (io/file "target/jar/META-INF/maven/io.github.mmap/mmap/pom.xml"))]
          (is (re-find #"<artifactId>clojure</artifactId>\s*<version>[^<]+</version>\s*<optional>true</optional>" pom)))))))

;; ---- layout: arrows point down --------------------------------------------------------

(defn- java-sources [pkg-dir]
  (filter #(str/ends-with? (str %) ".java") (.listFiles (io/file "src/java" pkg-dir))))

(defn- imports [f]
  (set (map second (re-seq #"(?m)^import\s+(?:static\s+)?([\w.]+)\s*;" (slurp f)))))

(deftest packages-show-three-layers
  (testing "mmap.posix uses neither mmap nor mmap.internal"
    (doseq [f (java-sources "mmap/posix")
            i (imports f)]
      (is (not (re-find #"^mmap\.(?!posix\.)" i)) (str f " imports " i))))
  (testing "mmap.internal uses mmap.posix but no public mmap class"
    (doseq [f (java-sources "mmap/internal")
            i (imports f)]
      (is (not (re-find #"^mmap\.[A-Z]" i)) (str f " imports " i))))
  (testing "every package says what it is"
    (doseq [pkg ["mmap" "mmap/posix" "mmap/internal"]]
      (is (.isFile (io/file "src/java" pkg "package-info.java")) pkg)))
  (testing "the examples use no mmap.internal class"
    (doseq [f (file-seq (io/file "examples"))
            :when (str/ends-with? (str f) ".java")]
      (is (not-any? #(str/starts-with? % "mmap.internal") (imports f)) (str f))))
  (testing "Libc is the posix layer's own"
    (is (re-find #"(?m)^final class Libc" (slurp (io/file "src/java/mmap/posix/Libc.java"))))))

(deftest javadoc-is-clean
  (let [r (sh/sh "bin/clojure" "-T:build" "javadoc")]
    (is (zero? (:exit r)) (str (:out r) (:err r)))
    (is (str/includes? (:out r) "target/javadoc is clean"))
    (is (.isFile (io/file "target/javadoc/mmap/MappedFile.html")))))

(deftest bad-scan-options-and-states-are-clear-errors
  (is (thrown-with-msg? IllegalArgumentException #"threads must be at least 1, not 0" (.threads (ScanOptions.) 0)))
  (is (thrown-with-msg? IllegalArgumentException #"invalid range \[5, 2\)" (.range (ScanOptions.) 5 2)))
  (is (thrown-with-msg? IllegalArgumentException #"invalid range \[-1, 2\)" (.range (ScanOptions.) -1 2)))
  (is (thrown-with-msg? NullPointerException #"encoding" (.encoding (ScanOptions.) nil)))
  (is (thrown-with-msg? NullPointerException #"executor" (.executor (ScanOptions.) nil)))
  ;; counting splits only texts longer than one 8 MiB chunk
  (let [f (ts/temp-file (multilingual-text 17) ".txt")
        mf (MappedFile/open (.toPath f))]
    (testing "an executor that refuses work fails the scan instead of hanging it"
      (let [refusing (reify Executor (execute [_ _] (throw (java.util.concurrent.RejectedExecutionException. "full"))))]
        (is (thrown-with-msg? java.util.concurrent.RejectedExecutionException #"full"
                              (.countMatches mf #"<(\w+)>" (-> (ScanOptions.) (.threads 2) (.executor refusing)))))
        (is (thrown-with-msg? java.util.concurrent.RejectedExecutionException #"full"
                              (with-open [s (.matches mf #"<(\w+)>" (-> (ScanOptions.) (.threads 2) (.executor refusing)))]
                                (.count ^Stream s))))))
    (.close mf)
    (testing "a closed mapping says so"
      (is (thrown? IllegalStateException (.countMatches mf #"x")))
      (is (thrown? IllegalStateException (with-open [s (.matches mf #"x")] (.count ^Stream s)))))))
