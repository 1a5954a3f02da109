(ns mmap.impl.regex
  "Regex matches over mapped bytes, as lazy seqs and reducibles, on mmap.internal's
  RegexScanner and ParallelScan."
  (:require [mmap.impl.options :as options])
  (:import (clojure.lang ArrayChunk)
           (java.lang.ref Cleaner)
           (java.util List)
           (java.util.concurrent Executor)
           (java.util.function Function)
           (java.util.regex Pattern)
           (mmap.internal ParallelScan RegexScanner RegexScanner$Spec)))

(set! *warn-on-reflection* true)

(def spec-options
  "The regex options and what each allows."
  {:from [options/nat options/nat?] :to [options/nat options/nat?]
   :encoding [options/encodings options/encodings]
   :threads ["a positive integer" pos-int?]
   :chunk-size ["a positive integer" pos-int?]
   :window ["a positive integer" pos-int?]
   :executor ["a java.util.concurrent.Executor" #(instance? Executor %)]})

(defn utf8? [encoding]
  (case (or encoding :utf-8)
    :utf-8 true
    (:latin-1 :bytes) false))

(defn spec
  ^RegexScanner$Spec [seg from to ^Pattern re {:keys [encoding window]}]
  (RegexScanner$Spec. seg (long from) (long to) re (boolean (utf8? encoding))
                      (long (or window RegexScanner/DEFAULT_WINDOW)) true))

(defn scanner
  "One thread's scanner over bytes [from, to) of `seg`."
  ^RegexScanner [seg from to ^Pattern re opts]
  (RegexScanner. (spec seg from to re opts)))

(def default-threads (.availableProcessors (Runtime/getRuntime)))

(defn parallel?
  "Whether to split the scan over threads: more than one thread asked for, a pattern
  without \\G, and more than one chunk of text."
  [^RegexScanner$Spec s {:keys [threads chunk-size]}]
  (ParallelScan/worthSplitting s (int (or threads default-threads)) (long (or chunk-size ParallelScan/MIN_SPLIT))))

(defn parallel-scan
  "Matches found by several threads, in order; `f` (or nil, to only count) makes each result."
  ^ParallelScan [^RegexScanner$Spec s f {:keys [threads chunk-size executor]}]
  (ParallelScan. s
                 (int (or threads default-threads))
                 (long (or chunk-size (if f ParallelScan/MATCH_CHUNK ParallelScan/COUNT_CHUNK)))
                 (when f (reify Function (apply [_ x] (f x))))
                 executor))

(defn re-groups-of
  "What clojure.core/re-groups gives: the match, or a vector of it and its groups."
  [^RegexScanner s]
  (let [n (.groupCount s)]
    (if (zero? n)
      (.group s 0)
      (loop [i 0 acc (transient [])]
        (if (> i n) (persistent! acc) (recur (inc i) (conj! acc (.group s i))))))))

(defn match-map
  "{:match :groups :start :end}, plus :named for named groups; offsets are bytes."
  [^RegexScanner s]
  (let [n (.groupCount s)
        named (.namedGroups s)]
    (cond-> {:match (.group s 0)
             :groups (mapv #(.group s (int %)) (range 1 (inc n)))
             :start (.start s)
             :end (.end s)}
      (seq named) (assoc :named (into {} (map (fn [[k i]] [(keyword k) (.group s (int i))])) named)))))

;; ---- lazy seqs ---------------------------------------------------------------

(defonce ^:private cleaner (Cleaner/create))

(defn- owned
  "A token the unrealized part of a lazy seq holds on to: when the seq is dropped before it
  is exhausted, the token becomes unreachable and `release` runs (on the Cleaner's thread).
  Returns [token release-now], where release-now runs `release` at most once."
  [release]
  (let [done (java.util.concurrent.atomic.AtomicBoolean.)
        once (fn [] (when (.compareAndSet done false true) (release)))
        token (Object.)]
    (.register ^Cleaner cleaner token once)
    [token once]))

(defn lazy-batches
  "A chunked lazy seq of a parallel scan's results; `wrap` runs around each step (errors),
  and `release` once the seq is exhausted, or dropped unfinished."
  [^ParallelScan p wrap release]
  (let [[token release-now] (owned #(do (.close p) (release)))
        step (fn step []
               (lazy-seq
                 (let [^List b (wrap #(do token (.nextBatch p)))]
                   (if (.isEmpty b)
                     (do (release-now) nil)
                     (chunk-cons (ArrayChunk. (.toArray b) 0 (.size b)) (step))))))]
    (step)))

(defn lazy-matches
  "A lazy seq of (f scanner) for each match; as `lazy-batches` otherwise."
  [^RegexScanner s f wrap release]
  (let [[token release-now] (owned release)
        step (fn step []
               (lazy-seq
                 (if (wrap #(do token (.find s)))
                   (cons (wrap #(f s)) (step))
                   (do (release-now) nil))))]
    (step)))

;; ---- reducibles ----------------------------------------------------------------

(defn reduce-matches
  "Reduces (f scanner) over each match of scanner `s`."
  [^RegexScanner s f rf init]
  (loop [acc init]
    (if (.find s)
      (let [acc (rf acc (f s))]
        (if (reduced? acc) @acc (recur acc)))
      acc)))

(defn reduce-batches
  "Reduces over the parallel scan's results, batch by batch; closes the scan."
  [^ParallelScan p rf init]
  (try
    (loop [acc init]
      (let [^List b (.nextBatch p)]
        (if (.isEmpty b)
          acc
          (let [acc (reduce rf acc b)]
            (if (reduced? acc) @acc (recur acc))))))
    (finally (.close p))))
