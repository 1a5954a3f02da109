(ns mmap.property-test
  "Random sequences of map, read, write, slice, sync and close agree with a
  RandomAccessFile reference, never crash, and leave no descriptor or mapping behind."
  (:require [clojure.test :refer [deftest is]]
            [clojure.test.check :as tc]
            [clojure.test.check.generators :as gen]
            [clojure.test.check.properties :as prop]
            [mmap.core :as m]
            [mmap.proc :as proc]
            [mmap.test-support :as ts])
  (:import (java.io File RandomAccessFile)))

(set! *warn-on-reflection* true)

(def gen-op
  (gen/one-of
   [(gen/tuple (gen/return :read) gen/nat gen/nat)
    (gen/tuple (gen/return :write) gen/nat (gen/not-empty gen/bytes))
    (gen/tuple (gen/return :slice) gen/nat gen/nat)
    (gen/return [:sync])
    (gen/return [:reopen])]))

(defn- raf-read ^bytes [^File f off len]
  (with-open [raf (RandomAccessFile. f "r")]
    (let [b (byte-array len)] (.seek raf off) (.readFully raf b) b)))

(defn- run-ops [size offset ops]
  (let [f (ts/temp-file (byte-array size (byte 46)))
        fresh #(m/map-file f {:mode :read-write :offset offset})
        ok (atom true)]
    (loop [mp (fresh) [[op a b] & more] ops]
      (if-not op
        (do (.close ^java.io.Closeable mp) (.delete f) @ok)
        (let [n (m/size mp)
              a (if (pos? n) (mod (long (or a 0)) (inc n)) 0)]
          (case op
            :read (let [len (min (long b) (- n a))]
                    (swap! ok #(and % (= (seq (m/bytes mp a len)) (seq (raf-read f (+ offset a) len)))))
                    (recur mp more))
            :write (let [^bytes bs b
                         len (min (alength bs) (- n a))]
                     (when (pos? len) (m/write! mp a (java.util.Arrays/copyOf bs (int len))))
                     (recur mp more))
            :slice (let [len (min (long b) (- n a))
                         s (m/slice mp a len)]
                     (swap! ok #(and % (= (m/size s) len) (= (seq (m/bytes s)) (seq (m/bytes mp a len)))))
                     (recur mp more))
            :sync (do (m/sync! mp) (recur mp more))
            :reopen (do (m/sync! mp) (.close ^java.io.Closeable mp) (recur (fresh) more))))))))

(deftest random-operations-agree-with-random-access-file
  (let [fds (count (proc/open-fds))
        maps (proc/mapping-count)
        result (tc/quick-check 60 (prop/for-all [size (gen/choose 1 20000)
                                                 offset (gen/choose 0 9000)
                                                 ops (gen/vector gen-op 1 25)]
                                    (run-ops (+ size offset) offset ops)))]
    (is (:pass? result) (pr-str (:shrunk result)))
    (is (= fds (count (proc/open-fds))) "no descriptor is left open")
    (is (<= (- (proc/mapping-count) maps) 2) "no mapping is left behind")))

(deftest files-over-2-gib
  (let [f (ts/temp-file "")
        size (+ (bit-shift-left 1 31) 8192)
        far (+ (bit-shift-left 1 31) 100)]
    (with-open [raf (RandomAccessFile. f "rw")]
      (.setLength raf size)
      (.seek raf (- far 3))
      (.write raf (.getBytes "before")))
    (try
      (with-open [mp (m/map-file f {:mode :read-write})]
        (is (= size (m/size mp)))
        (is (thrown-with-msg? Exception #"use mmap.core/size" (count mp)))
        (is (= "before" (String. (m/bytes mp (- far 3) 6))))
        (is (= (- far 3) (m/index-of mp "before" (- (bit-shift-left 1 31) 10))))
        (m/write! mp (+ far 10) "beyond")
        (m/sync! mp))
      (is (= "beyond" (String. (raf-read f (+ far 10) 6))))
      (finally (.delete f)))))
