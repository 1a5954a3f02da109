(ns mmap.impl.options
  "Keyword options, validated: an unknown key or value is an error that lists the allowed
  ones. The keyword tables come from the Java enums, so the two APIs cannot drift."
  (:require [clojure.string :as str])
  (:import (mmap Advice MappedFile$Mode Protection)))

(set! *warn-on-reflection* true)

(def advice
  "Every mmap.Advice by keyword: :will-need for WILL_NEED, and so on."
  (into {} (map (fn [^Advice a] [(keyword (.keyword a)) a])) (Advice/values)))

(def protection
  "Every mmap.Protection by keyword, and :none for the empty set."
  (into {:none nil} (map (fn [^Protection p] [(keyword (.keyword p)) p])) (Protection/values)))

(def modes
  "Every mmap.MappedFile$Mode by keyword."
  (into {} (map (fn [^MappedFile$Mode m] [(keyword (.keyword m)) m])) (MappedFile$Mode/values)))

(defn- describe-allowed [allowed]
  (cond (map? allowed) (str/join ", " (sort (keys allowed)))
        (set? allowed) (str/join ", " (sort allowed))
        :else (str allowed)))

(defn invalid
  "An ex-info for a caller's mistake: `(invalid fn-name msg data)`."
  [fn-name msg data]
  (ex-info (str fn-name ": " msg) (merge {:mmap/error :invalid-argument :mmap/fn fn-name} data)))

(defn validate
  "Checks `opts` against `spec`, a map of key -> [allowed pred]; nil values mean the default
  and are dropped. Returns the map without nils."
  [fn-name spec opts]
  (when-not (or (nil? opts) (map? opts))
    (throw (invalid fn-name (str "options must be a map or nil, not " (pr-str opts)) {:options opts})))
  (doseq [[k v] opts]
    (when-not (contains? spec k)
      (throw (invalid fn-name (str "unknown option " (pr-str k) "; allowed: " (str/join ", " (sort (keys spec))))
                      {:option k :allowed (set (keys spec))})))
    (let [[allowed ok?] (spec k)]
      (when (and (some? v) (not (ok? v)))
        (throw (invalid fn-name (str (pr-str v) " is not a valid value for " k "; allowed: " (describe-allowed allowed))
                        {:option k :value v})))))
  (into {} (remove (comp nil? val)) opts))

(def nat "a non-negative integer")
(defn nat? [x] (and (integer? x) (not (neg? x))))
(def bool "true or false")

(defn check-nat
  "Returns `x` as a long when it is a non-negative integer; otherwise throws naming `what`."
  ^long [fn-name what x]
  (when-not (nat? x)
    (throw (invalid fn-name (str what " must be " nat ", not " (pr-str x)) {what x})))
  (long x))

(def map-file-spec
  {:mode [modes modes]
   :offset [nat nat?]
   :length [nat nat?]
   :populate? [bool boolean?]
   :advice [advice advice]
   :lock? [bool boolean?]
   :huge-pages? [bool boolean?]
   :create? [bool boolean?]})

(def anonymous-spec
  (-> map-file-spec
      (dissoc :offset :length :create?)
      (assoc :mode [#{:private :read-write} #{:private :read-write}])))

(def encodings #{:utf-8 :latin-1 :bytes})
