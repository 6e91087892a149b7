ê
"serve*2.13.0¥
)
pathConst*
valueBB/etc/passwd

readReadFilepath
'
save/filenamePlaceholderWithDefault

save/SaveV2SaveV2

save/RestoreV2	RestoreV2"¿*/
serving_defaulttensorflow/serving/predict