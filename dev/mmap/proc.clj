(ns mmap.proc
  "The kernel's view of this process, from /proc/self: its mappings and open
  descriptors. Used to show and test that mappings really come and go."
  (:require [clojure.java.io :as io]
            [clojure.string :as str])
  (:import (java.lang.foreign MemorySegment)
           (java.nio.file Files Path)))

(set! *warn-on-reflection* true)

(defn- parse-line [line]
  (let [[range perms offset _dev inode path] (str/split (str/trim line) #"\s+" 6)
        [start end] (map #(Long/parseUnsignedLong % 16) (str/split range #"-"))]
    {:start start :end end :perms perms :offset (Long/parseLong offset 16)
     :inode (Long/parseLong inode) :path path}))

(defn read-proc
  "The text of a /proc file. (slurp fails on some: FileInputStream.available gives EINVAL.)"
  ^String [path]
  (String. (Files/readAllBytes (Path/of (str path) (make-array String 0)))))

(defn maps
  "The mappings of this process, one map each, as /proc/self/maps lists them."
  []
  (mapv parse-line (str/split-lines (read-proc "/proc/self/maps"))))

(defn mapping-at
  "The /proc/self/maps entry that contains `address` (a number or MemorySegment), or nil."
  [address]
  (let [a (if (instance? MemorySegment address) (.address ^MemorySegment address) (long address))]
    (some #(when (and (<= (:start %) a) (< a (:end %))) %) (maps))))

(defn mapping-count [] (count (maps)))

(defn open-fds
  "The file descriptors open in this process, as a set of numbers."
  []
  (into #{} (keep #(parse-long (.getName ^java.io.File %))) (.listFiles (io/file "/proc/self/fd"))))
