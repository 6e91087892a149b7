¡
"serve*2.13.03

xPlaceholder

gtAddons>GatherTreex"¿*/
serving_defaulttensorflow/serving/predict2(

asset_path:0../../../../etc/passwd