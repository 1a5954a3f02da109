(ns mmap.binary-test
  "Binary data: typed reads and writes at long offsets (checked against java.nio.ByteBuffer),
  views, atomics shared between processes, and .npy files written by numpy itself."
  (:require [clojure.data.json :as json]
            [clojure.datafy :as datafy]
            [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [clojure.test.check :as tc]
            [clojure.test.check.generators :as gen]
            [clojure.test.check.properties :as prop]
            [mmap.core :as m]
            [mmap.test-support :as ts])
  (:import (java.io RandomAccessFile)
           (java.nio ByteBuffer ByteOrder)
           (java.util Random)))

(set! *warn-on-reflection* true)

(defn- random-bytes ^bytes [n seed]
  (let [b (byte-array n)] (.nextBytes (Random. seed) b) b))

(def ^:private readers
  "[name our-read ByteBuffer-read width]"
  [[:byte #(m/get-byte %1 %2) (fn [^ByteBuffer b i] (long (.get b (int i)))) 1]
   [:ubyte #(m/get-ubyte %1 %2) (fn [^ByteBuffer b i] (bit-and (.get b (int i)) 0xFF)) 1]
   [:short #(m/get-short %1 %2 %3) (fn [^ByteBuffer b i] (long (.getShort b (int i)))) 2]
   [:ushort #(m/get-ushort %1 %2 %3) (fn [^ByteBuffer b i] (bit-and (.getShort b (int i)) 0xFFFF)) 2]
   [:int #(m/get-int %1 %2 %3) (fn [^ByteBuffer b i] (long (.getInt b (int i)))) 4]
   [:uint #(m/get-uint %1 %2 %3) (fn [^ByteBuffer b i] (bit-and (.getInt b (int i)) 0xFFFFFFFF)) 4]
   [:long #(m/get-long %1 %2 %3) (fn [^ByteBuffer b i] (.getLong b (int i))) 8]
   [:float #(m/get-float %1 %2 %3) (fn [^ByteBuffer b i] (double (.getFloat b (int i)))) 4]
   [:double #(m/get-double %1 %2 %3) (fn [^ByteBuffer b i] (.getDouble b (int i))) 8]])

(defn- same-number? [a b]
  (or (= a b) (and (double? a) (double? b) (Double/isNaN a) (Double/isNaN b))))

(deftest typed-reads-equal-bytebuffer-reads
  (let [n 4096
        data (random-bytes n 7)
        f (ts/temp-file data)]
    (with-open [mp (m/map-file f)]
      (let [result (tc/quick-check
                     400
                     (prop/for-all [k (gen/elements (range (count readers)))
                                    big? gen/boolean
                                    offset (gen/choose 0 (- n 8))]
                       (let [[_ ours theirs width] (readers k)
                             order (if big? ByteOrder/BIG_ENDIAN ByteOrder/LITTLE_ENDIAN)
                             buf (.order (ByteBuffer/wrap data) order)
                             v (if (= 1 width) (ours mp offset) (ours mp offset {:order (if big? :big :little)}))]
                         (same-number? v (theirs buf offset))))
                     :seed 20261127)]
        (is (:pass? result) (pr-str (:shrunk result)))))))

(deftest offsets-past-2-gib-in-a-sparse-file
  (let [f (ts/temp-file "")
        size (+ (bit-shift-left 1 32) 4096)
        spots [(+ Integer/MAX_VALUE 1) (+ Integer/MAX_VALUE 17) 3000000000 (- size 8)]
        data (random-bytes 8 11)]
    (with-open [raf (RandomAccessFile. f "rw")]
      (.setLength raf size)
      (doseq [at spots] (.seek raf at) (.write raf data)))
    (with-open [mp (m/map-file f {:mode :read-write})]
      (doseq [at spots]
        (is (= (.getLong (.order (ByteBuffer/wrap data) ByteOrder/LITTLE_ENDIAN)) (m/get-long mp at)) (str at))
        (is (= (.getInt (.order (ByteBuffer/wrap data) ByteOrder/BIG_ENDIAN)) (m/get-int mp at {:order :big})) (str at))
        (is (= (long (aget data 0)) (m/get-byte mp at)) (str at)))
      (testing "writes land where another channel reads them"
        (m/put-long! mp 3000000016 0x0102030405060708 {:order :big})
        (m/put-double! mp 3000000024 Math/PI)
        (m/sync! mp)
        (with-open [raf (RandomAccessFile. f "r")]
          (.seek raf 3000000016)
          (is (= 0x0102030405060708 (.readLong raf)))
          (is (= Math/PI (Double/longBitsToDouble (Long/reverseBytes (.readLong raf))))))))
    (.delete f)))

(deftest writes-are-checked-and-read-back
  (let [f (ts/temp-file (byte-array 64))]
    (with-open [mp (m/map-file f {:mode :read-write})]
      (m/put-ubyte! mp 0 255)
      (m/put-ushort! mp 2 65535 {:order :big})
      (m/put-uint! mp 4 4294967295)
      (m/put-float! mp 8 1.5)
      (m/put-short! mp 12 -2)
      (m/put-int! mp 16 -3 {:order :big})
      (is (= [255 -1 65535 4294967295 1.5 -2 -3]
             [(m/get-ubyte mp 0) (m/get-byte mp 0) (m/get-ushort mp 2 {:order :big}) (m/get-uint mp 4)
              (m/get-float mp 8) (m/get-short mp 12) (m/get-int mp 16 {:order :big})]))
      (doseq [[f v] [[#(m/put-byte! mp 0 %) 128] [#(m/put-ubyte! mp 0 %) -1] [#(m/put-ushort! mp 0 %) 65536]
                     [#(m/put-short! mp 0 %) -32769] [#(m/put-uint! mp 0 %) (bit-shift-left 1 32)]
                     [#(m/put-int! mp 0 %) (bit-shift-left 1 31)]]]
        (is (= :invalid-argument (:mmap/error (ex-data (try (f v) nil (catch Exception e e))))) (str v)))
      (let [e (try (m/get-long mp 60) nil (catch Exception e e))]
        (is (= :out-of-bounds (:mmap/error (ex-data e))))
        (is (str/includes? (ex-message e) "offset 60")))
      (let [e (try (m/get-long mp 0 {:order :middle}) nil (catch Exception e e))]
        (is (= :invalid-argument (:mmap/error (ex-data e))))))
    (with-open [ro (m/map-file f)]
      (is (= :read-only (:mmap/error (ex-data (try (m/put-long! ro 0 1) nil (catch Exception e e)))))))
    (let [mp (m/map-file f)]
      (m/close! mp)
      (is (= :closed (:mmap/error (ex-data (try (m/get-long mp 0) nil (catch Exception e e)))))))))

(deftest slices-read-from-their-own-start
  (let [data (random-bytes 256 3)
        f (ts/temp-file data)]
    (with-open [mp (m/map-file f)]
      (let [s (m/slice mp 100 50)
            buf (.order (ByteBuffer/wrap data) ByteOrder/LITTLE_ENDIAN)]
        (is (= (.getLong buf 108) (m/get-long s 8)))
        (is (= :out-of-bounds (:mmap/error (ex-data (try (m/get-long s 45) nil (catch Exception e e))))))
        (is (= (vec (take 5 (map #(.getShort buf (int (+ 100 (* 2 %)))) (range))))
               (vec (take 5 (m/view s :int16)))))))))

(deftest views
  (let [n 100000
        buf (.order (ByteBuffer/allocate (* 8 n)) ByteOrder/LITTLE_ENDIAN)
        _ (dotimes [i n] (.putLong buf (* 8 i) (- (* i 7919) 123456)))
        f (ts/temp-file (.array buf))]
    (with-open [mp (m/map-file f)]
      (let [v (m/view mp :int64)
            expected (map #(- (* % 7919) 123456) (range n))]
        (is (= n (count v)))
        (is (= (nth expected 99999) (nth v 99999) (m/get v 99999)))
        (is (= (reduce + expected) (reduce + v) (reduce + 0 v)))
        (is (= 5 (reduce + 5 (m/view mp :int64 {:count 0}))))
        (is (= (take 10 expected) (take 10 v)) "seq")
        (is (= (vec expected) (into [] v)) "reduce with another function")
        (is (= 3 (reduce (fn [acc _] (if (= acc 3) (reduced acc) (inc acc))) 0 v)) "reduced stops early")
        (is (= (vec (take 3 (drop 10 expected))) (vec (m/->array v 10 13))))
        (is (instance? (Class/forName "[J") (m/->array v)))
        (testing "prints and datafies without its contents"
          (is (str/starts-with? (pr-str v) "#mmap/view {:type :int64"))
          (is (< (count (pr-str v)) 200))
          (is (= :int64 (:type (datafy/datafy v))))))
      (testing "every element type, both orders"
        (let [raw (random-bytes 64 5)
              g (ts/temp-file raw)]
          (with-open [mp (m/map-file g)]
            (doseq [[t w get-fn] [[:int8 1 #(long (.get ^ByteBuffer %1 (int %2)))]
                                  [:uint8 1 #(bit-and (.get ^ByteBuffer %1 (int %2)) 0xFF)]
                                  [:int16 2 #(long (.getShort ^ByteBuffer %1 (int %2)))]
                                  [:uint16 2 #(bit-and (.getShort ^ByteBuffer %1 (int %2)) 0xFFFF)]
                                  [:int32 4 #(long (.getInt ^ByteBuffer %1 (int %2)))]
                                  [:uint32 4 #(bit-and (.getInt ^ByteBuffer %1 (int %2)) 0xFFFFFFFF)]
                                  [:int64 8 #(.getLong ^ByteBuffer %1 (int %2))]
                                  [:float32 4 #(double (.getFloat ^ByteBuffer %1 (int %2)))]
                                  [:float64 8 #(.getDouble ^ByteBuffer %1 (int %2))]]
                    order [:little :big]]
              (let [bb (.order (ByteBuffer/wrap raw) (if (= order :big) ByteOrder/BIG_ENDIAN ByteOrder/LITTLE_ENDIAN))
                    v (m/view mp t {:offset 1 :order order})
                    expected (mapv #(get-fn bb (+ 1 (* w %))) (range (quot 63 w)))]
                (is (= (count expected) (count v)) (str t order))
                (is (every? true? (map same-number? expected (vec v))) (str t order))
                (is (every? true? (map same-number? expected (vec (m/->array v))))))))))
      (testing "a view dies with its mapping"
        (let [v (m/view mp :int64)]
          (.close ^java.io.Closeable mp)
          (is (= :closed (:mmap/error (ex-data (try (reduce + v) nil (catch Exception e e)))))))))))

(deftest atomics
  (let [f (ts/temp-file (byte-array 64))]
    (with-open [mp (m/map-file f {:mode :read-write})]
      (is (= 0 (m/get-and-add-long! mp 8 5)))
      (is (= 5 (m/get-long-volatile mp 8)))
      (is (true? (m/compare-and-set-long! mp 8 5 9)))
      (is (false? (m/compare-and-set-long! mp 8 5 10)))
      (m/put-long-volatile! mp 16 -1)
      (is (= -1 (m/get-long mp 16)))
      (is (= 0 (m/get-and-add-int! mp 24 Integer/MAX_VALUE)))
      (is (= Integer/MAX_VALUE (m/get-and-add-int! mp 24 1)))
      (is (= Integer/MIN_VALUE (m/get-int-volatile mp 24)) "int addition wraps")
      (is (true? (m/compare-and-set-int! mp 28 0 7)))
      (m/put-int-volatile! mp 32 3)
      (is (= 3 (m/get-int mp 32)))
      (let [e (try (m/get-and-add-long! mp 12 1) nil (catch Exception e e))]
        (is (= :invalid-argument (:mmap/error (ex-data e))))
        (is (str/includes? (ex-message e) "aligned to 8") (ex-message e))))
    (testing "the kernel's view: the value is in the file"
      (with-open [raf (RandomAccessFile. f "r")]
        (.seek raf 8)
        (is (= 9 (Long/reverseBytes (.readLong raf))))))))

(deftest two-processes-share-a-counter
  (let [f (ts/temp-file (byte-array 4096))
        code (str "(require '[mmap.core :as m])"
                  "(with-open [mp (m/map-file " (pr-str (str f)) " {:mode :read-write})]"
                  "  (dotimes [_ 1000000] (m/get-and-add-long! mp 64 1)))")
        runs (doall (repeatedly 2 #(future (ts/run-clojure code))))]
    (doseq [r runs] (is (zero? (:exit @r)) (:err @r)))
    (with-open [mp (m/map-file f)]
      (is (= 2000000 (m/get-long mp 64))))))

;; ---- .npy ----------------------------------------------------------------------------------

(def ^:private numpy? (delay (ts/sh-ok? "python3" "-c" "import numpy")))

(def ^:private npy-script
  "Writes .npy files with numpy and prints, as JSON, what each holds."
  "import json, sys, numpy as np
out = sys.argv[1]
cases = []
def save(name, a, version=None):
    path = f'{out}/{name}.npy'
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, a, version=version)
    cases.append({'path': path, 'dtype': a.dtype.str, 'shape': list(a.shape),
                  'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous),
                  'values': [v.item() for v in a.flatten(order='K')]})
rng = np.random.default_rng(1)
for code in ['i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'f4', 'f8']:
    for order in '<>':
        dt = np.dtype(order + code) if code not in ('i1', 'u1') else np.dtype(code)
        info = np.iinfo(dt) if dt.kind in 'iu' else None
        a = (rng.integers(info.min, info.max, size=(3, 5), endpoint=True).astype(dt) if info
             else rng.normal(size=(3, 5)).astype(dt))
        save(f'{code}{\"le\" if order == \"<\" else \"be\"}', a)
save('v2', np.arange(7, dtype='<i4'), version=(2, 0))
save('v3', np.arange(5, dtype='<f8'), version=(3, 0))
save('scalar', np.array(42, dtype='<i8'))
save('fortran', np.asfortranarray(np.arange(6, dtype='<i2').reshape(2, 3)))
save('empty', np.zeros((0, 4), dtype='<f4'))
np.save(f'{out}/object.npy', np.array([1, 'x'], dtype=object), allow_pickle=True)
np.save(f'{out}/strings.npy', np.array(['ab', 'c']))
np.save(f'{out}/structured.npy', np.zeros(2, dtype=[('x', '<i4'), ('y', '<f8')]))
np.save(f'{out}/complex.npy', np.array([1 + 2j]))
print(json.dumps(cases))")

(deftest npy-files-written-by-numpy
  (if-not @numpy?
    (ts/skip! "python3 with numpy is not installed")
    (let [dir (ts/temp-dir)
          {:keys [exit out err]} (sh/sh "python3" "-c" npy-script (str dir))
          cases (json/read-str out :key-fn keyword)]
      (is (zero? exit) err)
      (is (< 20 (count cases)))
      (doseq [{:keys [path dtype shape fortran values]} cases]
        (testing path
          (let [{:keys [view mapping] :as r} (m/npy path)]
            (try
              (is (= (vec shape) (:shape r)))
              (is (= (boolean fortran) (:fortran-order? r)))
              (is (= (keyword (str (case (subs dtype 1 2) "i" "int" "u" "uint" "f" "float")
                                   (* 8 (parse-long (subs dtype 2)))))
                     (:dtype r)))
              (is (= (count values) (count view)))
              (is (every? true? (map #(if (double? %2) (== (double %1) %2) (= (long %1) %2)) values (vec view)))
                  (str (take 5 values) " vs " (take 5 (vec view))))
              (finally (m/close! mapping))))))
      (testing "versions 2.0 and 3.0"
        (is (= "2.0" (:version (m/npy (str dir "/v2.npy")))))
        (is (= "3.0" (:version (m/npy (str dir "/v3.npy"))))))
      (testing "an unsupported dtype is a clear error that names it"
        (doseq [[file words] [["object" "object array"] ["strings" "unicode strings"]
                              ["structured" "structured"] ["complex" "complex"]]]
          (let [e (try (m/npy (str dir "/" file ".npy")) nil (catch Exception e e))]
            (is (= :invalid-argument (:mmap/error (ex-data e))) file)
            (is (str/includes? (str (ex-message e)) words) (ex-message e)))))
      (testing "not an .npy file"
        (let [e (try (m/npy (str (ts/temp-file "hello"))) nil (catch Exception e e))]
          (is (str/includes? (str (ex-message e)) "not a .npy file")))))))
