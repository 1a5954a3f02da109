(ns mmap.impl.regex
  "Regex matches over mapped bytes, as lazy seqs and reducibles, on mmap.RegexScanner."
  (:import (clojure.lang IReduceInit)
           (java.util.regex Pattern)
           (mmap RegexScanner)))

(set! *warn-on-reflection* true)

(defn scanner
  ^RegexScanner [seg from to ^Pattern re encoding {:keys [window max-window]}]
  (let [utf8? (case (or encoding :utf-8)
                :utf-8 true
                (:latin-1 :bytes) false
                (throw (ex-info (str "Unknown :encoding " (pr-str encoding) "; allowed: :bytes, :latin-1, :utf-8")
                                {:encoding encoding})))]
    (RegexScanner. seg (long from) (long to) re (boolean utf8?)
                   (long (or window RegexScanner/DEFAULT_WINDOW))
                   (long (or max-window RegexScanner/MAX_DECODED_WINDOW)))))

(defn re-groups-of
  "What clojure.core/re-groups gives: the match, or a vector of it and its groups."
  [^RegexScanner s]
  (let [n (.groupCount s)]
    (if (zero? n)
      (.group s 0)
      (loop [i 0 acc (transient [])]
        (if (> i n) (persistent! acc) (recur (inc i) (conj! acc (.group s i))))))))

(defn match-map
  "{:match :groups :start :end}, plus :named for named groups; offsets are bytes in the file."
  [^RegexScanner s base]
  (let [n (.groupCount s)
        named (.namedGroups s)]
    (cond-> {:match (.group s 0)
             :groups (mapv #(.group s (int %)) (range 1 (inc n)))
             :start (- (.start s) (long base))
             :end (- (.end s) (long base))}
      (seq named) (assoc :named (into {} (map (fn [[k i]] [(keyword k) (.group s (int i))])) named)))))

(defn lazy-matches
  "A lazy seq of (f scanner) for each match; calls `on-done` once exhausted."
  [^RegexScanner s f on-done]
  (lazy-seq
    (if (.find s)
      (cons (f s) (lazy-matches s f on-done))
      (do (on-done) nil))))

(defn reducible-matches
  "A reducible of (f scanner) for each match of a fresh scanner from `make`."
  [make f on-done]
  (reify IReduceInit
    (reduce [_ rf init]
      (try
        (let [^RegexScanner s (make)]
          (loop [acc init]
            (if (.find s)
              (let [acc (rf acc (f s))]
                (if (reduced? acc) @acc (recur acc)))
              acc)))
        (finally (on-done))))))
