(ns mmap.bench-binary
  "The :binary suite: summing a file of int64 values (1 GiB by default), one thread, warm page
  cache, best of :runs, in one run:

    (reduce + (m/view mp :int64))           ours: blocks copied into a long[], primitive sum
    a loop over the MemorySegment           what a Java user writes, no truncation guard
    numpy np.memmap(...).sum()              timed inside Python (its start-up excluded)

    bin/clojure -T:build bench :suite binary [:size 1g] [:runs 5] [:write true]"
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [mmap.core :as m])
  (:import (java.io BufferedOutputStream FileOutputStream)
           (java.lang.foreign MemorySegment ValueLayout)
           (java.nio ByteBuffer ByteOrder)))

(set! *warn-on-reflection* true)

(defn- generate! [file ^long size]
  (let [n (quot size 8)
        buf (.order (ByteBuffer/allocate (* 8 65536)) ByteOrder/LITTLE_ENDIAN)]
    (with-open [out (BufferedOutputStream. (FileOutputStream. (io/file file)) (* 1024 1024))]
      (loop [i 0]
        (when (< i n)
          (.clear buf)
          (let [k (min 65536 (- n i))]
            (dotimes [j k] (.putLong buf (* 8 j) (- (mod (* (+ i j) 2654435761) 1000003) 500000)))
            (.write out (.array buf) 0 (* 8 k))
            (recur (+ i k))))))))

(defn- segment-loop ^long [^MemorySegment s]
  (let [n (.byteSize s)
        layout (.withOrder ValueLayout/JAVA_LONG_UNALIGNED ByteOrder/LITTLE_ENDIAN)]
    (loop [i 0 acc 0]
      (if (< i n)
        (recur (+ i 8) (unchecked-add acc (.get s layout i)))
        acc))))

(defn- best-of [runs f]
  (let [results (vec (for [_ (range runs)]
                       (let [t0 (System/nanoTime) v (f)] [(/ (- (System/nanoTime) t0) 1e9) v])))]
    [(apply min (map first results)) (second (first results))]))

(def ^:private numpy-script
  "import sys, time, numpy as np
best = None
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    s = int(np.memmap(sys.argv[1], dtype='<i8', mode='r').sum())
    t = time.perf_counter() - t0
    best = t if best is None else min(best, t)
print(best, s)")

(defn run-suite [{:keys [size runs write] :or {runs 5}}]
  (let [size (if size ((requiring-resolve 'mmap.bench/parse-size) size) (* 1024 1024 1024))
        file (str "bench/data/int64-" size ".bin")]
    (io/make-parents file)
    (when-not (= size (.length (io/file file)))
      (println "generating" file)
      (generate! file size))
    (sh/sh "bash" "-c" (str "cat '" file "' > /dev/null"))
    (with-open [mp (m/map-file file)]
      (let [view (m/view mp :int64)
            seg (m/segment mp)
            _ (dotimes [_ 3] (reduce + view) (segment-loop seg))
            [ours-t ours] (best-of runs #(reduce + view))
            [loop-t looped] (best-of runs #(segment-loop seg))
            {:keys [exit out]} (sh/sh "python3" "-c" numpy-script file (str runs))
            [np-t np-sum] (when (zero? exit) (let [[t s] (str/split (str/trim out) #" ")] [(parse-double t) (parse-long s)]))
            gbps #(/ (/ size 1e9) %)
            rows (cond-> [["(reduce + (m/view mp :int64))" ours-t ours]
                          ["loop over the MemorySegment (.get JAVA_LONG)" loop-t looped]]
                   np-t (conj ["numpy np.memmap(...).sum()" np-t np-sum]))
            table (str "| method | best of " runs " | GB/s | sum | ours is × as fast |\n|---|---:|---:|---:|---:|\n"
                       (apply str (for [[label t v] rows]
                                    (format "| %s | %.3f s | %.2f | %d | %.2f× |\n" label t (gbps t) v (/ t ours-t)))))
            agree (apply = (map #(nth % 2) rows))
            header (format "File: %d MiB of little-endian int64. One thread, warm page cache. Machine: %d cores, JDK %s. Date: %s.\n\n"
                           (quot size (* 1024 1024)) (.availableProcessors (Runtime/getRuntime))
                           (System/getProperty "java.version") (str (java.time.LocalDate/now)))
            verdict (if agree "Every method gave the same sum." (str "SUMS DISAGREE: " (pr-str (map #(nth % 2) rows))))]
        (println)
        (println header)
        (println table)
        (println verdict)
        (when-not np-t (println "(numpy not available: python3 -c 'import numpy' failed)"))
        (when write
          (spit "bench/RESULTS-binary.md" (str "# Binary benchmark results (:binary suite)\n\n" header table "\n" verdict "\n"))
          (println "wrote bench/RESULTS-binary.md"))
        agree))))
