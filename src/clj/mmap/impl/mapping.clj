(ns mmap.impl.mapping
  "The Clojure face of a mmap.MappedFile: a Counted, Indexed, Seqable, reducible,
  Closeable value that prints without dumping its contents. Every read goes through
  MappedFile's accessors, which copy or mask what they read so that a truncated file is an
  exception, never a crash."
  (:require [clojure.core.protocols :as p]
            [mmap.impl.errors :as errors])
  (:import (clojure.lang ArrayChunk Counted IDeref Indexed IReduce IReduceInit Seqable)
           (java.io Closeable)
           (java.lang.foreign MemorySegment)
           (mmap MappedFile Protection)
           (mmap.posix Mman)))

(set! *warn-on-reflection* true)

(def ^:const seq-chunk 4096)
(def ^:const reduce-block 65536)

(definterface Sized (^long size []))

(declare check-slice)

(defn- int-count [^long n]
  (if (<= n Integer/MAX_VALUE)
    (int n)
    (throw (ex-info (str "This mapping has " n " bytes, more than `count` (an int) can say; use mmap.core/size")
                    {:mmap/error :out-of-bounds :size n}))))

(defn- reduce-bytes
  "Reduces f over bytes [from, end) of the mapping, copying 64 KiB at a time."
  [^MappedFile mf from end f init]
  (errors/guard mf
    (let [from (long from)
          end (long end)
          buf (byte-array (min reduce-block (max 0 (- end from))))]
      (loop [pos from acc init]
        (if (>= pos end)
          acc
          (let [n (int (min reduce-block (- end pos)))]
            (.read mf pos buf 0 n)
            (let [acc (loop [i 0 acc acc]
                        (if (< i n)
                          (let [acc (f acc (aget buf i))]
                            (if (reduced? acc) acc (recur (inc i) acc)))
                          acc))]
              (if (reduced? acc) @acc (recur (+ pos n) acc)))))))))

(deftype Mapping [^MappedFile mf ^long start ^long len]
  ;; start/len pick a slice; len -1 means the whole mapping, whose size may change with resize!.
  Counted
  (count [this] (int-count (.size this)))

  Indexed
  (nth [this i]
    (let [n (.size this)]
      (when-not (and (>= i 0) (< i n))
        (throw (ex-info (str "index " i " is outside the mapping (" n " bytes)")
                        {:mmap/error :out-of-bounds :index i :size n})))
      (check-slice this)
      (errors/guard mf (.getByte mf (+ start i)))))
  (nth [this i not-found]
    (if (and (>= i 0) (< i (.size this))) (.nth this i) not-found))

  Seqable
  (seq [this]
    (check-slice this)
    (let [n (.size this)
          step (fn step [^long from]
                 (lazy-seq
                   (when (< from n)
                     (check-slice this)
                     (let [k (int (min seq-chunk (- n from)))
                           bs (byte-array k)
                           boxed (object-array k)]
                       (errors/guard mf (.read mf (+ start from) bs 0 k))
                       (dotimes [i k] (aset boxed i (Byte/valueOf (aget bs i))))
                       (chunk-cons (ArrayChunk. boxed 0 k) (step (+ from k)))))))]
      (seq (step 0))))

  IReduceInit
  (reduce [this f init]
    (check-slice this)
    (reduce-bytes mf start (+ start (.size this)) f init))

  IReduce
  (reduce [this f]
    (if (zero? (.size this))
      (f)
      (do (check-slice this)
          (reduce-bytes mf (inc start) (+ start (.size this)) f (.nth this 0)))))

  IDeref
  (deref [_] mf)

  Sized
  (size [_] (if (neg? len) (.size mf) len))

  Closeable
  ;; A slice has no lifetime of its own: closing one does nothing.
  (close [_] (when (neg? len) (.close mf))))

(defn mapped-file ^MappedFile [^Mapping m] (.-mf m))
(defn size ^long [^Mapping m] (.size m))
(defn start ^long [^Mapping m] (.-start m))
(defn slice? [^Mapping m] (not (neg? (.-len m))))

(defn check-slice
  "Throws when a slice lies past the end of its mapping (which shrank since)."
  [^Mapping m]
  (let [^MappedFile mf (.-mf m)
        len (.-len m)]
    (when (and (>= len 0) (> (+ (.-start m) len) (.size mf)))
      (throw (ex-info (str "This slice [" (.-start m) ", " (+ (.-start m) len) ") lies past the end of its mapping of "
                           (or (some-> (.path mf) str) "anonymous memory") ", which now has " (.size mf)
                           " bytes (it was resized); take a new slice")
                      {:mmap/error :out-of-bounds :mmap/path (some-> (.path mf) str)
                       :slice [(.-start m) len] :size (.size mf)})))))

(defn segment
  "The MemorySegment of exactly the mapping's (or slice's) bytes."
  ^MemorySegment [^Mapping m]
  (check-slice m)
  (let [^MappedFile mf (.-mf m)]
    (errors/guard mf
      (let [s (.segment mf)]
        (if (neg? (.-len m)) s (.asSlice s (.-start m) (.-len m)))))))

(defn ->map [^Mapping m]
  (let [^MappedFile mf (.-mf m)]
    (cond-> {:path (some-> (.path mf) str)
             :size (.size m)
             :mode (keyword (.keyword (.mode mf)))
             :open? (.isOpen mf)}
      (slice? m) (assoc :slice-of [(.-start m) (.size mf)]))))

(defmethod print-method Mapping [m ^java.io.Writer w]
  (.write w (str "#mmap/mapping " (pr-str (->map m)))))

(extend-protocol p/Datafiable
  Mapping
  (datafy [m]
    (let [^MappedFile mf (.-mf m)
          open? (.isOpen mf)]
      (with-meta
        (merge (->map m)
               {:offset (+ (.offset mf) (.-start m))
                :page-size (Mman/pageSize)
                :protection (into #{} (map #(keyword (.keyword ^Protection %))) (.protection mf))}
               (when open?
                 {:address (+ (.address mf) (.-start m))
                  :pages (.pageCount mf)
                  :resident-pages (.residentPages mf)}))
        {`p/nav (fn [_ k v] (if (and (= k :path) v) (java.io.File. ^String v) v))}))))
