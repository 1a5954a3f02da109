(ns mmap.demo
  "The seed's example (Raku Mmap::Native), on this project's deps.edn: map the first
  50 bytes with PROT_READ and MAP_SHARED, copy them out, decode them as UTF-8, match a
  regex, then munmap and show that the kernel no longer lists the mapping."
  (:require [mmap.proc :as proc]
            [mmap.raw :as raw :refer [PROT_READ MAP_SHARED]])
  (:import (java.nio.charset StandardCharsets)))

(set! *warn-on-reflection* true)

(def pattern #"\"([^\"]*)\"")

(defn run
  "Does the seed's example on `file`; returns what it saw, for printing or testing."
  [file]
  (let [fd (raw/open file)
        ptr (raw/mmap nil 50 PROT_READ MAP_SHARED fd 0)
        text (String. (raw/blob-from-pointer ptr 50) StandardCharsets/UTF_8)
        before (proc/mapping-at ptr)]
    (raw/munmap ptr 50)
    (raw/close fd)
    (let [after (proc/mapping-at ptr)]
      {:file file :fd fd :address (.address ptr) :text text
       :matches (mapv second (re-seq pattern text))
       :before before
       :unmapped? (not (and after (= (:inode after) (:inode before))))})))

(defn -main [& [file]]
  (let [{:keys [file fd address text matches before unmapped?]} (run (or file "deps.edn"))]
    (println (format "mapped %s (fd %d) at 0x%x with PROT_READ, MAP_SHARED" file fd address))
    (println "first 50 bytes, as UTF-8:" (pr-str text))
    (println "regex" (pr-str pattern) "captures:" (pr-str matches))
    (println "/proc/self/maps before munmap:" (format "%x-%x %s %s" (:start before) (:end before) (:perms before) (:path before)))
    (println "/proc/self/maps after munmap: " (if unmapped? "gone" "STILL MAPPED"))
    (shutdown-agents)
    (System/exit (if (and before unmapped?) 0 1))))
