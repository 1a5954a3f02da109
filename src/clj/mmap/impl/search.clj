(ns mmap.impl.search
  "mmap.core/grep: the selected lines of many files as values, one file open at a time."
  (:require [mmap.impl.errors :as errors]
            [mmap.impl.options :as options])
  (:import (clojure.lang IReduceInit)
           (java.io File)
           (java.lang.foreign MemorySegment)
           (java.lang.ref Cleaner)
           (java.nio.file Path)
           (java.util.regex Pattern)
           (mmap FileBytes)
           (mmap.internal ByteSearch FileWalk FileWalk$Glob GrepLines)))

(set! *warn-on-reflection* true)

(def grep-spec
  {:invert? [options/bool boolean?]
   :max-count [options/nat options/nat?]
   :follow-links? [options/bool boolean?]
   :include ["a glob, or a seq of globs" #(or (string? %) (and (sequential? %) (every? string? %)))]
   :exclude ["a glob, or a seq of globs" #(or (string? %) (and (sequential? %) (every? string? %)))]
   :binary [#{:skip :text} #{:skip :text}]})

(defn- ->paths [x]
  (cond (or (string? x) (instance? File x) (instance? Path x)) [(str x)]
        (sequential? x) (mapcat ->paths x)
        :else (throw (options/invalid "grep" (str "expected a path, or a seq of paths, not " (pr-str x)) {:paths x}))))

(defn- globs [{:keys [include exclude]}]
  (vec (concat (for [g (if (string? include) [include] include)] (FileWalk$Glob/of true g))
               (for [g (if (string? exclude) [exclude] exclude)] (FileWalk$Glob/of false g)))))

(defn files
  "The files `paths` covers, in order: files as given, directories walked in sorted path order."
  [paths {:keys [follow-links?] :as opts}]
  (let [globs (globs opts)]
    (mapcat (fn [^String p]
              (if (.isDirectory (File. p))
                (FileWalk/walk p (boolean follow-links?) globs)
                [p]))
            (->paths paths))))

(defn- binary? [^MemorySegment seg]
  (not (neg? (ByteSearch/indexOf seg 0 (min (.byteSize seg) (* 96 1024)) (byte 0)))))

(defn- line-map [^String path ^GrepLines g invert?]
  {:path path
   :line-number (.lineNumber g)
   :byte-offset (.lineStart g)
   :line (.line g)
   :matches (if invert? [] (mapv (fn [^objects m] {:match (aget m 2) :start (aget m 0) :end (aget m 1)}) (.matches g)))})

(defn- open-file
  "[segment close] for a file: small files are read (close does nothing), larger ones mapped."
  [^String path]
  (let [^FileBytes fb (errors/guard path (FileBytes/open (Path/of path (make-array String 0))))]
    [(.segment fb) #(.close fb)]))

(defonce ^:private cleaner (Cleaner/create))

(defn- file-lines
  "A lazy seq of the selected lines of one file; its mapping (if any) is released when the
  seq is exhausted or dropped."
  [re path {:keys [invert? binary]}]
  (let [[^MemorySegment seg close] (open-file path)]
    (if (and (not= binary :text) (binary? seg))
      (do (close) nil)
      (let [g (GrepLines. seg re (boolean invert?))
            done (java.util.concurrent.atomic.AtomicBoolean.)
            release #(when (.compareAndSet done false true) (close))
            token (Object.)
            _ (.register ^Cleaner cleaner token release)
            step (fn step []
                   (lazy-seq
                     (if (errors/guard path (do token (.next g)))
                       (cons (line-map path g invert?) (step))
                       (do (release) nil))))]
        (step)))))

(defn lazy-grep [^Pattern re paths opts]
  (let [lines (mapcat #(file-lines re % opts) (files paths opts))]
    (if-let [n (:max-count opts)] (take n lines) lines)))

(defn reducible-grep [^Pattern re paths opts]
  (reify IReduceInit
    (reduce [_ rf init]
      (let [limit (or (:max-count opts) Long/MAX_VALUE)
            invert? (boolean (:invert? opts))]
        (loop [fs (files paths opts) acc init n 0]
          (if (or (empty? fs) (>= n limit))
            acc
            (let [path (first fs)
                  [^MemorySegment seg close] (open-file path)
                  [acc n stop?]
                  (try
                    (if (and (not= (:binary opts) :text) (binary? seg))
                      [acc n false]
                      (let [g (GrepLines. seg re invert?)]
                        (loop [acc acc n n]
                          (cond
                            (>= n limit) [acc n true]
                            (errors/guard path (.next g))
                            (let [acc (rf acc (line-map path g invert?))]
                              (if (reduced? acc) [acc n true] (recur acc (inc n))))
                            :else [acc n false]))))
                    (finally (close)))]
              (if stop?
                (if (reduced? acc) @acc acc)
                (recur (rest fs) acc (long n))))))))))
