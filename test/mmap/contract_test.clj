(ns mmap.contract-test
  "Semantics that must not surprise: a failed call leaves nothing changed, slices are views
  and nothing more, one error model, and exact results where windows meet."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.core :as m]
            [mmap.proc :as proc]
            [mmap.test-support :as ts])
  (:import (java.io RandomAccessFile)
           (mmap Advice)
           (mmap.posix Mman)))

(set! *warn-on-reflection* true)

(defn- thrown [f] (try (f) nil (catch Exception e e)))
(defn- kind [f] (:mmap/error (ex-data (thrown f))))

;; ---- a failed map-file leaves the file as it was ----------------------------------------------

(deftest a-failed-map-file-leaves-the-file-as-it-was
  (if-not (ts/sh-ok? "setpriv" "--help")
    (ts/skip! "setpriv is missing, so CAP_IPC_LOCK cannot be dropped")
    (let [small (ts/temp-file "12345")
          missing (str (ts/temp-dir) "/new.bin")
          {:keys [out err]} (ts/run-clojure
                             (str "(require '[mmap.core :as m])"
                                  "(defn try-map [f opts] (try (m/map-file f opts) :mapped (catch mmap.ErrnoException e (.errnoName e))))"
                                  "(println (try-map " (pr-str (str small)) " {:mode :read-write :length (* 64 1024 1024) :lock? true})"
                                  "         (.length (java.io.File. " (pr-str (str small)) "))"
                                  "         (try-map " (pr-str missing) " {:mode :read-write :create? true :length (* 64 1024 1024) :lock? true})"
                                  "         (.exists (java.io.File. " (pr-str missing) ")))")
                             :prefix ["setpriv" "--inh-caps=-all" "--bounding-set=-ipc_lock" "prlimit" "--memlock=65536:65536"])
          [e1 size e2 exists] (str/split (str/trim (last (str/split-lines out))) #" ")]
      (is (#{"ENOMEM" "EPERM" "EAGAIN"} e1) (str out err))
      (is (= "5" size) "the file was not left grown")
      (is (#{"ENOMEM" "EPERM" "EAGAIN"} e2))
      (is (= "false" exists) "the file this call created was removed")))
  (testing "advice the kernel refuses"
    (let [f (ts/temp-file "12345")
          r (try (with-open [_ (m/map-file f {:mode :read-write :length 100000 :advice :collapse})] :mapped)
                 (catch mmap.ErrnoException e (.errnoName e)))]
      (if (= :mapped r)
        (is (= 100000 (.length f)) "MADV_COLLAPSE was accepted here; the file grew as asked")
        (is (= 5 (.length f)) (str "after " r ", the file is as it was"))))))

(deftest destructive-advice-is-not-offered
  (is (not-any? #{"HWPOISON" "SOFT_OFFLINE"} (map #(.name ^Advice %) (Advice/values))))
  (let [f (ts/temp-file "12345")]
    (is (= :invalid-argument (kind #(m/map-file f {:advice :hw-poison}))))
    (is (= :invalid-argument (kind #(m/map-file f {:advice :soft-offline}))))
    (is (= :invalid-argument (kind #(m/map-anonymous 4096 {:advice :hw-poison}))))
    (with-open [mp (m/map-file f)]
      (is (re-find #"unknown advice :soft-offline" (ex-message (thrown #(m/advise! mp :soft-offline))))))))

;; ---- slices ---------------------------------------------------------------------------

(defn- vm-locked-kb []
  (some->> (proc/read-proc "/proc/self/status") (re-find #"VmLck:\s+(\d+)") second parse-long))

(deftest slices-are-views-of-a-range
  (let [page (Mman/pageSize)
        f (ts/temp-file (byte-array (* 16 page) (byte 7)))]
    (with-open [mp (m/map-file f {:mode :read-write})]
      (let [s (m/slice mp (* 3 page) page)]
        (is (= :invalid-argument (kind #(m/resize! s 10))) "resize! applies to whole mappings")
        (is (= :invalid-argument (kind #(m/protect! s #{:read}))) "protect! too")
        (is (= 1 (count (m/residency s))) "residency covers the slice's page only")
        (is (= 1 (:pages (m/resident s))))
        (try
          (let [before (vm-locked-kb)]
            (m/lock! s)
            (is (= (+ before (quot page 1024)) (vm-locked-kb)) "lock! locks the slice's page only")
            (m/unlock! s)
            (is (= before (vm-locked-kb))))
          (catch mmap.ErrnoException e (is (str/includes? (.getMessage e) "ulimit -l"))))
        (m/advise! s :will-need)
        (m/write! s 0 "slice")
        (m/sync! s)
        (is (= "slice" (String. ^bytes (m/bytes mp (* 3 page) 5))))
        (m/close! s)
        (.close ^java.io.Closeable s)
        (is (.isOpen ^mmap.MappedFile @mp) "closing a slice closes nothing")
        (m/resize! mp page)
        (let [e (thrown #(m/bytes s))]
          (is (= :out-of-bounds (:mmap/error (ex-data e))))
          (is (re-find #"past the end of its mapping" (ex-message e))))
        (is (= :out-of-bounds (kind #(nth s 0))))
        (is (= :out-of-bounds (kind #(seq s))))))))

;; ---- one error model ------------------------------------------------------------------

(deftest callers-mistakes-are-ex-infos-not-errnos
  (let [f (ts/temp-file "0123456789")]
    (is (= :invalid-argument (kind #(m/map-anonymous -1))))
    (is (not (instance? mmap.ErrnoException (thrown #(m/map-anonymous -1)))))
    (is (= :invalid-argument (kind #(m/map-anonymous 1.5))))
    (is (= :invalid-argument (kind #(m/map-anonymous nil))))
    (with-open [mp (m/map-file f)]
      (is (= :read-only (kind #(m/write! mp 0 "x"))) "a :read-only mapping refuses writes without inventing an errno")
      (let [e (thrown #(m/bytes mp Long/MAX_VALUE 10))]
        (is (= :out-of-bounds (:mmap/error (ex-data e))) "an overflowing range is reported, not an ArithmeticException")
        (is (str/includes? (ex-message e) (str Long/MAX_VALUE))))
      (is (= :out-of-bounds (kind #(m/bytes mp 5 Long/MAX_VALUE))))
      (is (= :invalid-argument (kind #(m/bytes mp nil 1))) "nil offsets are refused, not an NPE")
      (is (= :invalid-argument (kind #(m/slice mp 0 nil))))
      (is (= :invalid-argument (kind #(m/index-of mp "x" nil))))
      (is (= :invalid-argument (kind #(m/lines mp {:bogus 1}))))
      (is (= :invalid-argument (kind #(m/protect! mp nil))))
      (is (= :invalid-argument (kind #(m/protect! mp #{}))))
      (is (= :invalid-argument (kind #(m/protect! mp #{:none :read}))))
      (is (= :invalid-argument (kind #(m/sync! mp {:offset -1}))))
      (is (= :invalid-argument (kind #(m/re-seq "x" mp))) "a pattern must be a Pattern")
      (is (= :invalid-argument (kind #(m/count-matches #"x" mp {:threads 0})))))))

(deftest bytes-past-2-gib-are-refused-with-a-reason
  (let [f (ts/temp-file "")]
    (with-open [raf (RandomAccessFile. f "rw")] (.setLength raf (+ (bit-shift-left 1 31) 10)))
    (try
      (with-open [mp (m/map-file f)]
        (let [e (thrown #(m/bytes mp))]
          (is (= :invalid-argument (:mmap/error (ex-data e))))
          (is (re-find #"2 GiB" (ex-message e)))))
      (finally (.delete f)))))

(deftest lazy-results-realized-after-close-name-the-file
  (let [f (ts/temp-file (apply str (repeat 100000 "some text\n")))]
    (doseq [[label make] {"seq" #(seq %) "lines" #(m/lines %) "re-seq" #(m/re-seq #"text" % {:threads 1})
                          "matches" #(m/matches #"text" %) "parallel re-seq" #(m/re-seq #"text" % {:threads 2 :chunk-size 4096})}]
      (let [s (with-open [mp (m/map-file f)] (make mp))
            e (thrown #(doall s))]
        (is (= :closed (:mmap/error (ex-data e))) label)
        (is (str/includes? (str (ex-message e)) (str f)) label)))))

;; ---- exact results where windows meet -------------------------------------------------

(defn- slurp-count [re f & [encoding]]
  (count (re-seq re (if (= encoding :latin-1) (String. ^bytes (ts/file-bytes f) "ISO-8859-1") (slurp f)))))

(deftest end-anchors-at-window-edges
  (let [utf8 (ts/temp-file (apply str (repeat 2500000 "é\n")))
        ascii (ts/temp-file (apply str (repeat 600000 "a line\n")))]
    (doseq [f [utf8 ascii]
            re [#"\z" #"\Z" #"$" #"(?m)$" #"\Gé\n|\Ga line\n" #"(?s).\z" #"e$" #"é$"]]
      (let [expected (slurp-count re f)]
        (is (= expected (m/count-matches re f)) (str re " count-matches"))
        (is (= expected (count (m/matches re f))) (str re " matches"))
        (is (= expected (count (m/re-seq re f {:threads 1 :window 4096}))) (str re " small windows"))))))

(deftest classes-with-escaped-range-starts-are-not-line-confined
  (let [f (ts/temp-file "abc\n\tdef ghi\n~~~\n")]
    (doseq [re [#"[\t-~]+" #"[\x09-~]+" #"[\cI-~]+" #"[\u0009-~]{3,}" #"[\n]" #"[^a]+"]]
      (is (= (re-seq re (slurp f)) (m/re-seq re f {:window 16 :threads 1})) (str re)))))

(deftest long-matches-in-utf8-text
  ;; A DOTALL lazy pattern whose matches span megabytes of non-ASCII text: exact, and linear.
  (let [part (apply str (repeat 170000 "ümlaut für ça 日本語 "))
        text (str "<t>" part "</t> between <t>" part part "</t> tail")
        f (ts/temp-file text)
        re #"(?s)<t>.*?</t>"]
    (is (> (count part) 3000000))
    (is (= (mapv count (re-seq re text)) (mapv count (m/re-seq re f))))
    (is (= 2 (m/count-matches re f {:threads 2 :chunk-size 65536})))
    (is (= (mapv count (re-seq #"(?s)<t>.*</t>" text)) (mapv count (m/re-seq #"(?s)<t>.*</t>" f {:window 4096}))))))

(deftest lookbehind-longer-than-any-margin
  ;; (Lookbehind is costly in java.util.regex itself: (?<=a{n})b tries n chars at every
  ;; position, so the texts are kept small where it runs everywhere.)
  (let [f (ts/temp-file (str (apply str (repeat 700000 "a")) "b"))
        small (ts/temp-file (str (apply str (repeat 8000 "a")) "b"))]
    (is (= ["b"] (m/re-seq #"b(?<=a{70000}b)" f)))
    (is (= 1 (m/count-matches #"b(?<=a{70000}b)" f {:threads 2 :chunk-size 65536})))
    (is (= ["b"] (m/re-seq #"(?<=a{6000})b" small {:window 1024})))
    (is (= ["b"] (m/re-seq #"(?<=a+)b" small {:window 1024})) "an unbounded lookbehind sees the whole text")
    (is (= 1 (m/count-matches #"(?<=a{6000})b" small {:threads 2 :chunk-size 1024 :window 512})))))
