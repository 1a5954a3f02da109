(ns mmap.impl.binary
  "Binary data in a mapping: typed reads and writes at long offsets, atomics, views of
  numbers (mmap.ElementView) and .npy files (mmap.Npy)."
  (:require [clojure.core.protocols :as p]
            [mmap.impl.errors :as errors]
            [mmap.impl.mapping :as mapping]
            [mmap.impl.options :as options])
  (:import (clojure.lang ArrayChunk Counted IReduce IReduceInit Indexed Seqable)
           (java.nio ByteOrder)
           (mmap ElementType ElementView MappedFile Npy)
           (mmap.impl.mapping Mapping)))

(set! *warn-on-reflection* true)

;; ---- offsets and byte order ----------------------------------------------------------

(def ^:private order-spec {:order [#{:little :big} #{:little :big}]})

(defn byte-order
  "The ByteOrder `opts` asks for: :little (the default, whatever the machine) or :big."
  ^ByteOrder [fn-name opts]
  (case (:order (options/validate fn-name order-spec opts) :little)
    :little ByteOrder/LITTLE_ENDIAN
    :big ByteOrder/BIG_ENDIAN))

(defn at
  "The offset in the whole mapping of `width` bytes at `offset` of `m` (a mapping or slice),
  after checking that they lie in it."
  ^long [fn-name ^Mapping m ^long offset ^long width]
  (let [n (mapping/size m)]
    (when-not (and (<= 0 offset) (<= offset (- n width)))
      (throw (ex-info (str fn-name ": " width " bytes at offset " offset " are outside the mapping (" n " bytes)")
                      {:mmap/error :out-of-bounds :mmap/fn fn-name :offset offset :width width :size n
                       :mmap/path (some-> (.path (mapping/mapped-file m)) str)})))
    (if (mapping/slice? m)
      (do (mapping/check-slice m) (+ (mapping/start m) offset))
      offset)))

(defn unsigned-in-range
  "`v` as a long when 0 <= v < 2^bits, for the unsigned writers."
  ^long [fn-name ^long bits v]
  (when-not (and (integer? v) (<= 0 v) (< v (bit-shift-left 1 bits)))
    (throw (options/invalid fn-name (str (pr-str v) " is not an unsigned " bits "-bit value (0 to " (dec (bit-shift-left 1 bits)) ")")
                            {:value v})))
  (long v))

;; ---- views -------------------------------------------------------------------------------

(def element-types
  "Every mmap.ElementType by keyword: :int8 :uint8 :int16 :uint16 :int32 :uint32 :int64
  :float32 :float64."
  (into {} (map (fn [^ElementType t] [(keyword (.toLowerCase (.name t))) t])) (ElementType/values)))

(def ^:private type-names (into {} (map (fn [[k v]] [v k])) element-types))

(defn- element ^Object [^ElementView v ^long i]
  (if (.isFloating (.type v)) (.getDouble v i) (.getLong v i)))

(defn- block-getter
  "A fn of j giving element j of `raw` (an array from ElementView.rawArray) as a long or double."
  [^ElementType t raw]
  (case (.name t)
    "INT8" (let [^bytes a raw] (fn [^long j] (aget a j)))
    "UINT8" (let [^bytes a raw] (fn [^long j] (bit-and (aget a j) 0xFF)))
    "INT16" (let [^shorts a raw] (fn [^long j] (aget a j)))
    "UINT16" (let [^shorts a raw] (fn [^long j] (bit-and (aget a j) 0xFFFF)))
    "INT32" (let [^ints a raw] (fn [^long j] (aget a j)))
    "UINT32" (let [^ints a raw] (fn [^long j] (bit-and (aget a j) 0xFFFFFFFF)))
    "INT64" (let [^longs a raw] (fn [^long j] (aget a j)))
    "FLOAT32" (let [^floats a raw] (fn [^long j] (double (aget a j))))
    "FLOAT64" (let [^doubles a raw] (fn [^long j] (aget a j)))))

(defn- block-reduce
  "Reduces rf over elements [from, count) from init, copying 8192 at a time into a primitive
  array. With clojure.core/+ as rf (and a number to start from that keeps the arithmetic the
  same), the sum runs as a primitive loop that allocates nothing per element, with the same
  result: additions in order, a long overflow still an ArithmeticException."
  [^ElementView v ^long from rf init]
  (let [t (.type v)
        n (.count v)]
    (cond
      (and (identical? rf +) (instance? Long init) (not (.isFloating t)))
      (.sumLong v (long init) from n)

      (and (identical? rf +) (or (instance? Long init) (instance? Double init)) (.isFloating t))
      (.sumDouble v (double init) from n)

      :else
      (let [block 8192
            raw (.rawArray v (int (min block (max 1 (- n from)))))
            get-elem (block-getter t raw)]
        (loop [i from acc init]
          (if (>= i n)
            acc
            (let [k (int (min block (- n i)))]
              (.copyTo v i raw 0 k)
              (let [acc (loop [j 0 acc acc]
                          (if (< j k)
                            (let [acc (rf acc (get-elem j))]
                              (if (reduced? acc) acc (recur (inc j) acc)))
                            acc))]
                (if (reduced? acc) @acc (recur (+ i k) acc))))))))))

(defn- view-seq [^ElementView v ^long from]
  (lazy-seq
    (when (< from (.count v))
      (let [k (int (min 512 (- (.count v) from)))
            arr (object-array k)]
        (dotimes [j k] (aset arr j (element v (+ from j))))
        (chunk-cons (ArrayChunk. arr 0 k) (view-seq v (+ from k)))))))

(deftype View [^ElementView ev]
  Counted
  (count [_]
    (let [n (.count ev)]
      (if (<= n Integer/MAX_VALUE)
        (int n)
        (throw (ex-info (str "This view has " n " elements, more than `count` (an int) can say; use mmap.core/size")
                        {:mmap/error :out-of-bounds :count n})))))

  Indexed
  (nth [_ i] (errors/guard (.file ev) (element ev i)))
  (nth [_ i not-found] (if (and (>= i 0) (< i (.count ev))) (errors/guard (.file ev) (element ev i)) not-found))

  Seqable
  (seq [_] (when (pos? (.count ev)) (errors/guard (.file ev) (view-seq ev 0))))

  IReduceInit
  (reduce [_ rf init] (errors/guard (.file ev) (block-reduce ev 0 rf init)))

  IReduce
  (reduce [_ rf]
    (errors/guard (.file ev)
      (if (zero? (.count ev))
        (rf)
        (block-reduce ev 1 rf (element ev 0))))))

(defn element-view ^ElementView [^View v] (.-ev v))

(defn ->map [^View v]
  (let [^ElementView ev (.-ev v)]
    {:type (type-names (.type ev))
     :count (.count ev)
     :offset (.offset ev)
     :order (if (= ByteOrder/BIG_ENDIAN (.order ev)) :big :little)
     :path (some-> (.path (.file ev)) str)}))

(defmethod print-method View [v ^java.io.Writer w]
  (.write w (str "#mmap/view " (pr-str (->map v)))))

(extend-protocol p/Datafiable
  View
  (datafy [v] (->map v)))

(def ^:private view-spec
  {:offset [options/nat options/nat?]
   :count [options/nat options/nat?]
   :order [#{:little :big} #{:little :big}]})

(defn view
  "A View of `m` (a mapping or slice) as elements of `type`."
  [fn-name ^Mapping m type opts]
  (let [^ElementType t (or (element-types type)
                           (throw (options/invalid fn-name (str (pr-str type) " is not an element type; allowed: "
                                                                (apply str (interpose ", " (sort (keys element-types)))))
                                                   {:type type})))
        opts (options/validate fn-name view-spec opts)
        offset (long (:offset opts 0))
        n (mapping/size m)
        size (.size t)
        cnt (long (:count opts (quot (max 0 (- n offset)) size)))
        base (at fn-name m offset (* cnt size))]
    (View. (errors/guard (mapping/mapped-file m)
             (ElementView. (mapping/mapped-file m) base cnt t (byte-order fn-name (select-keys opts [:order])))))))

(defn ->array
  "Copies elements [from, to) of a view into a new primitive array."
  [^View v from to]
  (let [^ElementView ev (.-ev v)]
    (errors/guard (.file ev) (.toArray ev (long from) (long to)))))

;; ---- .npy ----------------------------------------------------------------------------------

(defn npy->map [^Npy n]
  {:dtype (type-names (.type n))
   :order (if (= ByteOrder/BIG_ENDIAN (.order n)) :big :little)
   :shape (vec (.shape n))
   :fortran-order? (.fortranOrder n)
   :version (.version n)
   :view (View. (.data n))
   :mapping (Mapping. (.file n) 0 -1)})
