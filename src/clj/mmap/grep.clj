(ns mmap.grep
  "A grep over memory-mapped files: `bin/clojure -M:grep [-c] [-o] [-b] [-n] [-i] [-F]
  [-m N] PATTERN FILE...`. Output and exit status follow GNU grep for those flags (0 when
  a line was selected, 1 when none was, 2 on error); the pattern is a java.util.regex
  pattern, matched against each line decoded as UTF-8, as `grep -P` does."
  (:require [clojure.string :as str]
            [mmap.core :as m])
  (:import (java.io BufferedOutputStream OutputStream)
           (java.lang.foreign MemorySegment ValueLayout)
           (java.nio.charset StandardCharsets)
           (java.util.regex Matcher Pattern)
           (mmap.internal ByteSearch GrepLines)
           (mmap.posix Errno)))

(set! *warn-on-reflection* true)

(def usage "Usage: grep [-c] [-o] [-b] [-n] [-i] [-F] [-m NUM] PATTERN FILE...")

(defn parse-args
  "{:flags #{...} :max-count n :pattern s :files [...]} or {:error msg}."
  [args]
  (loop [[a & more :as args] args opts {:flags #{}}]
    (cond
      (nil? a) (if (:pattern opts) opts {:error usage})
      (and (nil? (:pattern opts)) (= a "--")) (if-let [[p & files] (seq more)] (assoc opts :pattern p :files (vec files)) {:error usage})
      (and (nil? (:pattern opts)) (re-matches #"-m\d*" a))
      (let [[n more] (if (= a "-m") [(first more) (rest more)] [(subs a 2) more])]
        (if-let [n (some-> n parse-long)]
          (recur more (assoc opts :max-count n))
          {:error (str "invalid max count " (pr-str n))}))
      (and (nil? (:pattern opts)) (re-matches #"-[cobniF]+" a))
      (recur more (update opts :flags into (map #(keyword (str %)) (subs a 1))))
      (and (nil? (:pattern opts)) (str/starts-with? a "-") (> (count a) 1)) {:error (str "unknown option " a "\n" usage)}
      (nil? (:pattern opts)) (recur more (assoc opts :pattern a))
      :else (recur more (update opts :files (fnil conj []) a)))))

(defn compile-pattern ^Pattern [{:keys [pattern flags]}]
  (Pattern/compile pattern (cond-> 0
                             (flags :F) (bit-or Pattern/LITERAL)
                             (flags :i) (bit-or Pattern/CASE_INSENSITIVE Pattern/UNICODE_CASE))))

(defn- write-prefix [^OutputStream out file-label line-no offset]
  (when file-label (.write out (.getBytes (str file-label ":") StandardCharsets/UTF_8)))
  (when line-no (.write out (.getBytes (str line-no ":") StandardCharsets/ISO_8859_1)))
  (when offset (.write out (.getBytes (str offset ":") StandardCharsets/ISO_8859_1))))

(defn- binary? [^MemorySegment seg]
  (not (neg? (ByteSearch/indexOf seg 0 (min (.byteSize seg) 32768) (byte 0)))))

(defn grep-file
  "Greps one mapped file, writing to `out`; returns the number of selected lines."
  [^OutputStream out ^Pattern re mp {:keys [flags max-count file-label]}]
  (let [^MemorySegment seg (m/segment mp)
        n (.byteSize seg)
        lines (GrepLines. seg re)
        binary (binary? seg)
        limit (long (or max-count Long/MAX_VALUE))
        show-n (flags :n) show-b (flags :b) only (flags :o) count-only (flags :c)]
    (loop [selected 0]
      (if (or (>= selected limit) (not (.next lines)))
        (do (when count-only
              (write-prefix out file-label nil nil)
              (.write out (.getBytes (str selected "\n") StandardCharsets/ISO_8859_1)))
            (when (and binary (pos? selected) (not count-only))
              (.write out (.getBytes (str "grep: " (or file-label (:path (meta mp))) ": binary file matches\n")
                                     StandardCharsets/UTF_8)))
            selected)
        (do
          (when-not (or count-only binary)
            (if only
              (let [^Matcher mt (.matcher lines)]
                (loop [found true]
                  (when found
                    (when (< (.start mt) (.end mt))
                      (write-prefix out file-label (when show-n (.lineNumber lines))
                                    (when show-b (.byteOffsetOf lines (.start mt))))
                      (let [bs (.getBytes (.group mt) StandardCharsets/UTF_8)]
                        (.write out bs 0 (alength bs)))
                      (.write out 10))
                    (recur (.find mt)))))
              (do (write-prefix out file-label (when show-n (.lineNumber lines)) (when show-b (.lineStart lines)))
                  (let [len (- (.lineEnd lines) (.lineStart lines))
                        bs (.toArray (.asSlice seg (.lineStart lines) len) ValueLayout/JAVA_BYTE)]
                    (.write out ^bytes bs 0 (alength ^bytes bs)))
                  (.write out 10))))
          (recur (inc selected)))))))

(defn run
  "Runs grep with `args`, writing to `out` and errors to *err*; returns the exit status."
  [args ^OutputStream out]
  (let [{:keys [error files flags] :as opts} (parse-args args)]
    (if error
      (do (binding [*out* *err*] (println (str "grep: " error))) 2)
      (let [re (try (compile-pattern opts)
                    (catch java.util.regex.PatternSyntaxException e
                      (binding [*out* *err*] (println (str "grep: " (.getMessage e)))) nil))]
        (if-not re
          2
          (let [multi (> (count files) 1)
                results (doall
                         (for [f files]
                           (try
                             (with-open [mp (m/map-file f)]
                               (grep-file out re mp (assoc opts :file-label (when multi f))))
                             (catch Exception e
                               (binding [*out* *err*]
                                 (println (str "grep: " f ": " (if (instance? mmap.ErrnoException e)
                                                                   (Errno/describe (.errno ^mmap.ErrnoException e))
                                                                   (ex-message e)))))
                               :error))))]
            (.flush out)
            (cond (some #{:error} results) 2
                  (some #(and (number? %) (pos? %)) results) 0
                  :else 1)))))))

(defn -main [& args]
  (let [out (BufferedOutputStream. System/out (* 64 1024))
        status (run (if (seq args) args []) out)]
    (.flush out)
    (shutdown-agents)
    (System/exit status)))
