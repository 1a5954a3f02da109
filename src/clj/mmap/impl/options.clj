(ns mmap.impl.options
  "Keyword options, validated: an unknown key or value is an error that lists the allowed ones."
  (:require [clojure.string :as str])
  (:import (mmap Mman)))

(set! *warn-on-reflection* true)

(def advice
  "Every MADV_ value by keyword."
  {:normal Mman/MADV_NORMAL :random Mman/MADV_RANDOM :sequential Mman/MADV_SEQUENTIAL
   :will-need Mman/MADV_WILLNEED :dont-need Mman/MADV_DONTNEED :free Mman/MADV_FREE
   :remove Mman/MADV_REMOVE :dont-fork Mman/MADV_DONTFORK :do-fork Mman/MADV_DOFORK
   :mergeable Mman/MADV_MERGEABLE :unmergeable Mman/MADV_UNMERGEABLE
   :huge-page Mman/MADV_HUGEPAGE :no-huge-page Mman/MADV_NOHUGEPAGE
   :dont-dump Mman/MADV_DONTDUMP :do-dump Mman/MADV_DODUMP
   :wipe-on-fork Mman/MADV_WIPEONFORK :keep-on-fork Mman/MADV_KEEPONFORK
   :cold Mman/MADV_COLD :page-out Mman/MADV_PAGEOUT
   :populate-read Mman/MADV_POPULATE_READ :populate-write Mman/MADV_POPULATE_WRITE
   :dont-need-locked Mman/MADV_DONTNEED_LOCKED :collapse Mman/MADV_COLLAPSE
   :hw-poison Mman/MADV_HWPOISON :soft-offline Mman/MADV_SOFT_OFFLINE})

(def protection {:read Mman/PROT_READ :write Mman/PROT_WRITE :exec Mman/PROT_EXEC :none Mman/PROT_NONE})

(def modes #{:read-only :read-write :private})

(defn- describe-allowed [allowed]
  (if (set? allowed) (str/join ", " (sort allowed)) (str allowed)))

(defn- fail [fn-name k v allowed]
  (throw (ex-info (str fn-name ": " (pr-str v) " is not a valid value for " k "; allowed: " (describe-allowed allowed))
                  {:option k :value v :allowed allowed})))

(defn validate
  "Checks `opts` against `spec`, a map of key -> [allowed-description pred]; nil values
  mean the default and are dropped. Returns the map without nils."
  [fn-name spec opts]
  (when-not (or (nil? opts) (map? opts))
    (throw (ex-info (str fn-name ": options must be a map or nil, not " (pr-str opts)) {:options opts})))
  (doseq [[k v] opts]
    (when-not (contains? spec k)
      (throw (ex-info (str fn-name ": unknown option " (pr-str k) "; allowed: " (str/join ", " (sort (keys spec))))
                      {:option k :allowed (set (keys spec))})))
    (let [[allowed ok?] (spec k)]
      (when (and (some? v) (not (ok? v))) (fail fn-name k v allowed))))
  (into {} (remove (comp nil? val)) opts))

(def nat "a non-negative integer")
(defn nat? [x] (and (integer? x) (not (neg? x))))
(def bool "true or false")

(def map-file-spec
  {:mode [modes modes]
   :offset [nat nat?]
   :length [nat nat?]
   :populate? [bool boolean?]
   :advice [(set (keys advice)) advice]
   :lock? [bool boolean?]
   :huge-pages? [bool boolean?]
   :create? [bool boolean?]})

(def encodings #{:utf-8 :latin-1 :bytes})
