(ns mmap.impl.mapping
  "The Clojure face of a mmap.MappedFile: a Counted, Indexed, Seqable, reducible,
  Closeable value that prints without dumping its contents."
  (:require [clojure.core.protocols :as p])
  (:import (clojure.lang ArrayChunk Counted IDeref Indexed IReduce IReduceInit Seqable)
           (java.io Closeable)
           (java.lang.foreign MemorySegment ValueLayout)
           (mmap MappedFile Mman)))

(set! *warn-on-reflection* true)

(def ^:const chunk-size 4096)

(defn access-error
  "Turns the JVM's signals for a dead or truncated mapping into an ex-info naming the file."
  [^MappedFile mf ^Throwable t]
  (let [where (or (some-> (.path mf) str) "anonymous memory")]
    (cond
      (instance? IllegalStateException t)
      (ex-info (str "The mapping of " where " is closed (or was resized or protected): "
                    (.getMessage t) ". Realize lazy results inside with-open, or copy with `bytes`.")
               {:path where :closed? (not (.isOpen mf))} t)
      (instance? InternalError t)
      (ex-info (str "Reading " where " failed: the file was truncated under the mapping by another writer (SIGBUS, "
                    (.getMessage t) "). Close the mapping and map the file again.")
               {:path where :truncated? true} t)
      :else t)))

(defmacro with-access-errors
  "Runs body, translating closed-mapping and truncated-file errors of `mf`."
  [mf & body]
  `(try ~@body
        (catch IllegalStateException e# (throw (access-error ~mf e#)))
        (catch InternalError e# (throw (access-error ~mf e#)))))

(declare byte-chunks)

(definterface Sized (^long size []))

(defn- reduce-bytes [^MappedFile mf from end f init]
  (with-access-errors mf
    (let [seg (.segment mf)]
      (loop [i (long from) acc init]
        (if (< i end)
          (let [acc (f acc (.get seg ValueLayout/JAVA_BYTE i))]
            (if (reduced? acc) @acc (recur (inc i) acc)))
          acc)))))

(defn- int-count [^long n]
  (if (<= n Integer/MAX_VALUE)
    (int n)
    (throw (ex-info (str "This mapping has " n " bytes, more than `count` (an int) can say; use mmap.core/size")
                    {:size n}))))

(deftype Mapping [^MappedFile mf ^long start ^long len]
  ;; start/len pick a slice; len -1 means the whole mapping, whose size may change with resize!.
  Counted
  (count [this] (int-count (.size this)))

  Indexed
  (nth [this i]
    (let [n (.size this)]
      (when-not (and (>= (long i) 0) (< (long i) n))
        (throw (IndexOutOfBoundsException. (str "index " i " is outside the mapping (" n " bytes)"))))
      (with-access-errors mf (.get (.segment mf) ValueLayout/JAVA_BYTE (+ start (long i))))))
  (nth [this i not-found]
    (if (and (integer? i) (>= (long i) 0) (< (long i) (.size this))) (.nth this i) not-found))

  Seqable
  (seq [this] (seq (byte-chunks this 0 (.size this))))

  IReduceInit
  (reduce [this f init] (reduce-bytes mf start (+ start (.size this)) f init))

  IReduce
  (reduce [this f]
    (if (zero? (.size this))
      (f)
      (reduce-bytes mf (inc start) (+ start (.size this)) f (.nth this 0))))

  IDeref
  (deref [_] mf)

  mmap.impl.mapping.Sized
  (size [_] (if (neg? len) (.size mf) len))

  Closeable
  ;; A slice shares its mapping's lifetime: closing a slice does nothing.
  (close [_] (when (neg? len) (.close mf))))

(defn mapped-file ^MappedFile [^Mapping m] (.-mf m))
(defn size ^long [^Mapping m] (.size m))
(defn start ^long [^Mapping m] (.-start m))

(defn segment
  "The MemorySegment of exactly the mapping's (or slice's) bytes."
  ^MemorySegment [^Mapping m]
  (let [^MappedFile mf (.-mf m)]
    (with-access-errors mf
      (let [s (.segment mf)]
        (if (neg? (.-len m)) s (.asSlice s (.-start m) (.-len m)))))))

(defn- byte-chunks [^Mapping m ^long from ^long end]
  (lazy-seq
    (when (< from end)
      (let [n (min chunk-size (- end from))
            ^MappedFile mf (.-mf m)
            bs (with-access-errors mf
                 (.toArray (.asSlice (.segment mf) (+ (.-start m) from) n) ValueLayout/JAVA_BYTE))
            boxed (object-array n)]
        (dotimes [i n] (aset boxed i (Byte/valueOf (aget ^bytes bs i))))
        (chunk-cons (ArrayChunk. boxed 0 n) (byte-chunks m (+ from n) end))))))

(defn ->map [^Mapping m]
  (let [^MappedFile mf (.-mf m)]
    (cond-> {:path (some-> (.path mf) str)
             :size (.size m)
             :mode (keyword (.toLowerCase (.replace (str (.mode mf)) "_" "-")))
             :open? (.isOpen mf)}
      (not (neg? (.-len m))) (assoc :slice-of [(.-start m) (.size mf)]))))

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
                :protection (.protection mf)}
               (when open?
                 {:address (+ (.address mf) (.-start m))
                  :pages (.pageCount mf)
                  :resident-pages (.residentPages mf)}))
        {`p/nav (fn [_ k v] (if (and (= k :path) v) (java.io.File. ^String v) v))}))))
