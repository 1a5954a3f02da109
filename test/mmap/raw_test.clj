(ns mmap.raw-test
  "The raw, seed-compatible layer: constants against the C headers, and each call
  checked against the kernel's own view (/proc/self/maps, the file read back)."
  (:require [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.demo :as demo]
            [mmap.proc :as proc]
            [mmap.raw :as raw :refer [PROT_READ PROT_WRITE PROT_NONE MAP_SHARED MAP_PRIVATE
                                      MAP_ANONYMOUS MS_SYNC MADV_DONTNEED MREMAP_MAYMOVE O_RDWR]]
            [mmap.test-support :as ts :refer [thrown-errno]])
  (:import (java.lang.foreign MemorySegment ValueLayout)
           (java.lang.reflect Field Modifier)
           (mmap.posix Mman SyscallException)))

(set! *warn-on-reflection* true)

(def ^:private page (raw/page-size))

(defn- c-constants
  "The constants' values as gcc sees them in <sys/mman.h> and <linux/mman.h>, or nil without gcc."
  [names]
  (when (ts/sh-ok? "gcc" "--version")
    (let [dir (ts/temp-dir)
          src (str dir "/consts.c")
          exe (str dir "/consts")]
      (spit src (str "#define _GNU_SOURCE\n#include <sys/mman.h>\n#include <linux/mman.h>\n"
                     "#include <fcntl.h>\n#include <sys/stat.h>\n#include <unistd.h>\n#include <sys/resource.h>\n"
                     "#include <linux/magic.h>\n#include <stdio.h>\nint main(void){\n"
                     (apply str (for [n names]
                                  (format "#ifdef %1$s\nprintf(\"%1$s %%lld\\n\", (long long)(%1$s));\n#endif\n" n)))
                     "return 0;}\n"))
      (let [{:keys [exit err]} (sh/sh "gcc" "-o" exe src)]
        (assert (zero? exit) err))
      (into {} (for [line (str/split-lines (:out (sh/sh exe)))
                     :let [[n v] (str/split line #" ")]]
                 [n (parse-long v)])))))

(deftest constants-match-the-c-headers
  (let [fields (for [^Field f (.getFields Mman)
                     :when (and (Modifier/isStatic (.getModifiers f)) (number? (.get f nil)))]
                 [(.getName f) (long (.get f nil))])
        c (c-constants (map first fields))]
    (if-not c
      (ts/skip! "gcc is not installed, so the C headers cannot be read")
      (do
        (testing "every seed constant is defined by the headers"
          (doseq [n ["PROT_READ" "MAP_SHARED" "MAP_FIXED_NOREPLACE" "MADV_COLLAPSE" "MREMAP_DONTUNMAP"
                     "MCL_ONFAULT" "MLOCK_ONFAULT" "MS_SYNC" "MAP_UNINITIALIZED" "PROT_GROWSUP"]]
            (is (contains? c n) n)))
        (doseq [[n v] fields :when (contains? c n)]
          (is (= (c n) v) (str n " is " (c n) " in C, " v " here")))
        (is (>= (count c) 70) "most constants were checked"))))
  (testing "the Clojure vars carry the same values and combine with bit-or"
    (is (= 3 (bit-or raw/PROT_READ raw/PROT_WRITE)))
    (is (= 0x22 (bit-or raw/MAP_PRIVATE raw/MAP_ANONYMOUS)))
    (is (= 25 raw/MADV_COLLAPSE))
    (is (= -1 (.address ^MemorySegment raw/MAP_FAILED)))))

(defn- with-temp-fd [content f]
  (let [file (ts/temp-file content)
        fd (raw/open file O_RDWR)]
    (try (f file fd) (finally (raw/close fd)))))

(deftest mmap-and-munmap-really-map-and-unmap
  (with-temp-fd "hello, mapped world\n"
    (fn [file fd]
      (let [p (raw/mmap nil 20 PROT_READ MAP_SHARED fd 0)
            entry (proc/mapping-at p)]
        (is (= (str file) (:path entry)) "the kernel lists the file at the returned address")
        (is (= "r--s" (:perms entry)))
        (is (= "hello, mapped world\n" (String. (raw/blob-from-pointer p 20) "UTF-8")))
        (raw/munmap p 20)
        (is (not= (str file) (:path (proc/mapping-at p))) "munmap removed it from /proc/self/maps")))))

(deftest errno-names-in-real-failures
  (testing "EBADF: a file mapping of a descriptor that is not open"
    (let [e (thrown-errno (raw/mmap nil page PROT_READ MAP_SHARED -1 0))]
      (is (= "EBADF" (.errnoName e)))
      (is (re-find #"mmap\(.*fd=-1.*EBADF \(Bad file descriptor\)" (.getMessage e)))))
  (testing "EINVAL: zero length, and an unaligned offset"
    (with-temp-fd "x"
      (fn [_ fd]
        (is (= "EINVAL" (.errnoName (thrown-errno (raw/mmap nil 0 PROT_READ MAP_SHARED fd 0)))))
        (let [e (thrown-errno (raw/mmap nil 1 PROT_READ MAP_SHARED fd 1))]
          (is (= "EINVAL" (.errnoName e)))
          (is (re-find #"page-aligned" (.getMessage e)) "the hint says offsets must be page-aligned")))))
  (testing "ENOMEM: more address space than exists, and mincore of an unmapped range"
    (let [e (thrown-errno (raw/mmap nil (bit-shift-left 1 62) PROT_READ (bit-or MAP_PRIVATE MAP_ANONYMOUS) -1 0))]
      (is (= "ENOMEM" (.errnoName e)))
      (is (re-find #"vm.max_map_count" (.getMessage e))))
    (let [p (raw/mmap nil page PROT_READ (bit-or MAP_PRIVATE MAP_ANONYMOUS) -1 0)]
      (raw/munmap p page)
      (is (= "ENOMEM" (.errnoName (thrown-errno (raw/mincore p page)))))))
  (testing "ENOENT: open of a missing file names the file"
    (let [e (thrown-errno (raw/open "/nonexistent/mmap-test-file"))]
      (is (= "ENOENT" (.errnoName e)))
      (is (= 2 (.errno e)))
      (is (str/includes? (.getMessage e) "/nonexistent/mmap-test-file"))
      (is (instance? java.io.IOException e))))
  (testing "EACCES: a shared writable mapping of a read-only descriptor"
    (let [file (ts/temp-file "read only")
          fd (raw/open file)]
      (try
        (let [e (thrown-errno (raw/mmap nil 9 (bit-or PROT_READ PROT_WRITE) MAP_SHARED fd 0))]
          (is (#{"EACCES" "EPERM"} (.errnoName e)))
          (is (re-find #"prot=PROT_READ\|PROT_WRITE, flags=MAP_SHARED" (.getMessage e))))
        (finally (raw/close fd)))))
  (testing "EBADF from close of a closed descriptor"
    (is (= "EBADF" (.errnoName (thrown-errno (raw/close 987654)))))))

(deftest msync-writes-through-to-the-file
  (with-temp-fd (apply str (repeat 100 "."))
    (fn [file fd]
      (let [p (raw/mmap nil 100 (bit-or PROT_READ PROT_WRITE) MAP_SHARED fd 0)]
        (MemorySegment/copy (.getBytes "synced!") 0 p ValueLayout/JAVA_BYTE 10 7)
        (raw/msync p 100 MS_SYNC)
        (is (= "synced!" (String. (ts/file-bytes file) 10 7)) "another channel reads the bytes")
        (raw/munmap p 100)))))

(defn- anon ^MemorySegment [pages prot]
  (raw/mmap nil (* pages page) prot (bit-or MAP_PRIVATE MAP_ANONYMOUS) -1 0))

(deftest mincore-and-madvise-on-anonymous-memory
  (let [p (anon 4 (bit-or PROT_READ PROT_WRITE))]
    (is (= [0 0 0 0] (map #(bit-and % 1) (raw/mincore p (* 4 page)))) "untouched pages are not resident")
    (.set p ValueLayout/JAVA_BYTE (long (* 2 page)) (byte 42))
    (is (= [0 0 1 0] (map #(bit-and % 1) (raw/mincore p (* 4 page)))) "the touched page is")
    (raw/madvise p (* 4 page) MADV_DONTNEED)
    (is (= [0 0 0 0] (map #(bit-and % 1) (raw/mincore p (* 4 page)))) "MADV_DONTNEED dropped it")
    (is (zero? (.get p ValueLayout/JAVA_BYTE (long (* 2 page)))) "and private anonymous memory reads back as zeros")
    (raw/munmap p (* 4 page))))

(deftest mprotect-changes-the-kernels-permissions
  (let [p (anon 1 (bit-or PROT_READ PROT_WRITE))]
    (is (= "rw-p" (:perms (proc/mapping-at p))))
    (raw/mprotect p page PROT_READ)
    (is (= "r--p" (:perms (proc/mapping-at p))))
    (raw/mprotect p page PROT_NONE)
    (is (= "---p" (:perms (proc/mapping-at p))))
    (raw/munmap p page)))

(deftest mremap-grows-a-mapping
  (let [p (anon 1 (bit-or PROT_READ PROT_WRITE))
        _ (.set p ValueLayout/JAVA_LONG 8 12345)
        ^MemorySegment q (raw/mremap p page (* 4 page) MREMAP_MAYMOVE)
        entry (proc/mapping-at q)]
    (is (<= (+ (.address q) (* 4 page)) (:end entry)) "the kernel maps all four pages")
    (is (= 12345 (.get q ValueLayout/JAVA_LONG 8)) "the contents moved with it")
    (.set q ValueLayout/JAVA_BYTE (long (dec (* 4 page))) (byte 1))
    (raw/munmap q (* 4 page))))

(defn- vm-lck-kb []
  (parse-long (second (re-find #"VmLck:\s+(\d+)" (proc/read-proc "/proc/self/status")))))

(deftest mlock-locks-or-explains
  (let [p (anon 2 (bit-or PROT_READ PROT_WRITE))]
    (try
      (let [before (vm-lck-kb)]
        (raw/mlock p (* 2 page))
        (is (= [1 1] (map #(bit-and % 1) (raw/mincore p (* 2 page)))) "locked pages are resident")
        (is (>= (- (vm-lck-kb) before) (quot (* 2 page) 1024)) "/proc/self/status counts them in VmLck"))
      (raw/munlock p (* 2 page))
      (catch SyscallException e
        (is (#{"EPERM" "ENOMEM" "EAGAIN"} (.errnoName e)))
        (is (str/includes? (.getMessage e) "ulimit -l"))))
    (raw/munmap p (* 2 page))))

(deftest the-seeds-example
  (let [{:keys [text matches before unmapped?]} (demo/run "deps.edn")]
    (is (= (subs (slurp "deps.edn") 0 50) text))
    (is (= ["src/clj" "target/classes"] matches))
    (is (str/ends-with? (:path before) "deps.edn"))
    (is unmapped?)))

(defn- namespaces-under [dir]
  (for [^java.io.File f (file-seq (java.io.File. ^String dir))
        :let [path (.getPath f)]
        :when (str/ends-with? path ".clj")]
    (-> path (subs (inc (count dir)) (- (count path) 4)) (str/replace "/" ".") (str/replace "_" "-") symbol)))

(deftest loading-prints-no-reflection-warnings
  (let [nss (vec (mapcat namespaces-under ["src/clj" "dev" "test"]))
        code (str "(let [w (java.io.StringWriter.)]"
                  " (binding [*err* (java.io.PrintWriter. w)]"
                  "   (doseq [n '" (pr-str nss) "] (require n)))"
                  " (print (str w)))")
        {:keys [out exit err]} (ts/run-clojure code)]
    (is (some #{'mmap.core} nss))
    (is (some #{'mmap.impl.regex} nss))
    (is (some #{'dev} nss))
    (is (zero? exit) err)
    (is (not (str/includes? out "Reflection warning")) out)))
